#:project ../../Pipelines.Video/Pipelines.Video.csproj
#:property PublishAot=false
// Writes one Moving-MNIST sequence as raw 8-bit gray 64x64 frames on stdout, for make-example.sh
// to encode. Digits come from the held-out test range (MNIST test images 9000-9999), so the
// bundled model never saw them in training. Usage (from the repository root):
//   dotnet run examples/video/make-moving-digits.cs -- MNIST_IDX3_GZ FRAMES SEED > frames.gray
using System.Globalization;
using Pipelines.Video.Data;
using Rnn.Core;

var images = MnistImages.Read(args[0]);
int frames = int.Parse(args[1], CultureInfo.InvariantCulture);
ulong seed = ulong.Parse(args[2], CultureInfo.InvariantCulture);
var generator = new MovingMnist(images, new MovingMnistOptions { Frames = frames }, 9000, 1000);
float[] sequence = generator.Sequence(new Rng(seed));   // [frames, 1, 64, 64] in [0, 1]
var bytes = sequence.Select(v => (byte)Math.Clamp(MathF.Round(v * 255f), 0, 255)).ToArray();
using var stdout = Console.OpenStandardOutput();
stdout.Write(bytes);
