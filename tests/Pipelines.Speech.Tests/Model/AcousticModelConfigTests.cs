using System.Text.Json.Nodes;
using Pipelines.Speech.Features;
using Pipelines.Speech.Model;
using Rnn.Core.Serialization;

namespace Pipelines.Speech.Tests.Model;

public sealed class AcousticModelConfigTests
{
    private static AcousticModelConfig Sample() => new()
    {
        FrontEnd = FrontEndKind.Stack,
        StackFrames = 3,
        StackProjection = 50,
        Cell = RecurrentCellKind.Lstm,
        Hidden = 33,
        Layers = 3,
        Bidirectional = false,
        Dropout = 0.25f,
        Features = new AcousticFeatures
        {
            SampleRate = 16000, MelBands = 2, WindowSeconds = 0.02, HopSeconds = 0.01,
            Normalization = NormalizationMode.Global,
            Stats = new NormalizationStats(new[] { 1f, -2f }, new[] { 0.5f, 3f }, 77),
        },
        Vocabulary = new AcousticVocabulary(new[] { "|", "a", "b", "_" }, blankIndex: 3, wordSeparator: "|"),
    };

    // config.json names only the settings of the chosen front end; a conv model said
    // "stack_frames": 4 though it stacks nothing.
    [TestCase(FrontEndKind.Conv, "conv_channels", "stack_frames,stack_projection")]
    [TestCase(FrontEndKind.Stack, "stack_frames,stack_projection", "conv_channels")]
    [TestCase(FrontEndKind.None, "", "conv_channels,stack_frames,stack_projection")]
    public void ConfigJsonNamesOnlyTheFrontEndsOwnSettings(FrontEndKind frontEnd, string present, string absent)
    {
        var original = Sample() with { FrontEnd = frontEnd };
        string text = original.ToModelConfig().ToJson();
        var json = System.Text.Json.Nodes.JsonNode.Parse(text)!["architecture"]!.AsObject();
        var back = AcousticModelConfig.FromModelConfig(ModelConfig.Parse(text));

        foreach (string key in present.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.That(json.ContainsKey(key), Is.True, key);
        foreach (string key in absent.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Assert.That(json.ContainsKey(key), Is.False, key);
        Assert.That(back.FrontEnd, Is.EqualTo(frontEnd));
        Assert.That(back.OutputFrameSeconds, Is.EqualTo(original.OutputFrameSeconds));
    }

    [Test]
    public void RoundTripsThroughConfigJson()
    {
        var original = Sample();
        string json = original.ToModelConfig().ToJson();
        var back = AcousticModelConfig.FromModelConfig(ModelConfig.Parse(json));

        Assert.That(back with { Features = original.Features, Vocabulary = original.Vocabulary }, Is.EqualTo(original));
        Assert.That(back.Features with { Stats = null }, Is.EqualTo(original.Features with { Stats = null }));
        Assert.That(back.Features.Stats!.Mean, Is.EqualTo(new[] { 1f, -2f }));
        Assert.That(back.Features.Stats.Std, Is.EqualTo(new[] { 0.5f, 3f }));
        Assert.That(back.Vocabulary.Tokens, Is.EqualTo(original.Vocabulary.Tokens));
        Assert.That(back.Vocabulary.BlankIndex, Is.EqualTo(3));
        Assert.That(back.Vocabulary.WordSeparator, Is.EqualTo("|"));
        Assert.That(json, Does.Contain("\"output_frame_seconds\": 0.03"));
        Assert.That(back.OutputFrameSeconds, Is.EqualTo(0.03).Within(1e-12));
    }

    [Test]
    public void MfccCountRoundTripsAndIsAbsentForMelModels()
    {
        var mel = PerUtterance(Sample());
        string melJson = mel.ToModelConfig().ToJson();
        Assert.That(melJson, Does.Not.Contain("n_mfcc"), "configs of log-mel models stay as they were");
        Assert.That(AcousticModelConfig.FromModelConfig(ModelConfig.Parse(melJson)).Features.Mfcc, Is.Zero);

        var mfcc = mel with { Features = mel.Features with { MelBands = 40, Mfcc = 13 } };
        string json = mfcc.ToModelConfig().ToJson();
        Assert.That(json, Does.Contain("\"n_mfcc\": 13"));
        var back = AcousticModelConfig.FromModelConfig(ModelConfig.Parse(json)).Features;
        Assert.That(back, Is.EqualTo(mfcc.Features));
        Assert.That(back.FeatureCount, Is.EqualTo(13));
        Assert.That(back.CreateExtractor().Options.FeatureCount, Is.EqualTo(13));
    }

    [Test]
    public void PaddingPadsBothEndsWithTheSameQuietAndIsAbsentWhenOff()
    {
        var plain = PerUtterance(Sample());
        Assert.That(plain.ToModelConfig().ToJson(), Does.Not.Contain("pad_seconds"), "configs stay as they were");
        float[] x = Enumerable.Range(0, 500).Select(i => (float)Math.Sin(i * 0.1)).ToArray();
        Assert.That(plain.Features.Pad(x), Is.SameAs(x), "no padding: the samples themselves");

        var padded = plain.Features with { PadSeconds = 0.05 };
        int pad = (int)Math.Round(0.05 * padded.SampleRate);
        float[] y = padded.Pad(x);
        Assert.That(y, Has.Length.EqualTo(x.Length + 2 * pad));
        Assert.That(y.AsSpan(pad, x.Length).ToArray(), Is.EqualTo(x));
        Assert.That(padded.Pad(x), Is.EqualTo(y), "the same quiet every call");
        double rms = Math.Sqrt(y.Take(pad).Concat(y.Skip(pad + x.Length)).Average(v => (double)v * v));
        Assert.That(rms, Is.EqualTo(AcousticFeatures.PadNoiseRms).Within(0.2 * AcousticFeatures.PadNoiseRms));
        Assert.That(padded.Pad([]), Is.Empty, "no audio stays no audio");
        Assert.Throws<ArgumentException>(() => (padded with { PadSeconds = -1 }).Validate());
    }

    private static AcousticModelConfig PerUtterance(AcousticModelConfig c) =>
        c with { Features = c.Features with { Stats = null, Normalization = NormalizationMode.PerUtterance } };

    [Test]
    public void MoreMfccsThanMelBandsAreRefused()
    {
        var plain = PerUtterance(Sample());
        var bad = plain with { Features = plain.Features with { MelBands = 20, Mfcc = 21 } };
        var ex = Assert.Throws<ArgumentException>(() => bad.Validate());
        Assert.That(ex!.Message, Does.Contain("Mfcc").And.Contain("21"));
    }

    [TestCase("\"front_end\": \"stack\"", "\"front_end\": \"lstm\"", "architecture.front_end")]
    [TestCase("\"hidden\": 33,", "", "architecture.hidden")]
    [TestCase("\"blank_index\": 3", "\"blank_index\": 9", "vocabulary.blank_index")]
    [TestCase("\"n_mels\": 2", "\"n_mels\": \"forty\"", "preprocessing.n_mels")]
    [TestCase("\"output_frame_seconds\": 0.03", "\"output_frame_seconds\": 0.04", "output_frame_seconds")]
    [TestCase("\"ctc-rnn-acoustic\"", "\"image-captioner\"", "image-captioner")]
    public void MalformedFieldsAreNamedInTheError(string find, string replace, string expected)
    {
        string json = Sample().ToModelConfig().ToJson();
        Assert.That(json, Does.Contain(find), "the test edits a field that is there");
        var config = ModelConfig.Parse(json.Replace(find, replace), "bad/config.json");
        var ex = Assert.Throws<InvalidDataException>(() => AcousticModelConfig.FromModelConfig(config));
        Assert.That(ex!.Message, Does.Contain("bad/config.json").And.Contain(expected));
    }

    // A value config.json holds but the model cannot use is named by the key the user wrote and the
    // value found, as a type error is ("is 13.5, expected a whole number"), not by the C# property
    // with .NET's "(Parameter 'Hidden')" after it. One case for each validated key, and for each cap:
    // sizes each under their cap that multiply past what a weights file holds name the section
    // (hidden 8192 in the sample's three LSTM layers: 1,343,848,748 weights).
    [TestCase("architecture.hidden", "-5", "\"architecture.hidden\" must be 1..8192; got -5")]
    [TestCase("architecture.hidden", "100000000", "\"architecture.hidden\" must be 1..8192; got 100000000")]
    [TestCase("architecture.layers", "0", "\"architecture.layers\" must be 1..64; got 0")]
    [TestCase("architecture.layers", "100000", "\"architecture.layers\" must be 1..64; got 100000")]
    [TestCase("architecture.dropout", "1.5", "\"architecture.dropout\" must be in [0, 1); got 1.5")]
    [TestCase("architecture.conv_channels", "0", "\"architecture.conv_channels\" must be 1..1024; got 0")]
    [TestCase("architecture.conv_channels", "1000000",
        "\"architecture.conv_channels\" must be 1..1024; got 1000000")]
    [TestCase("architecture.stack_frames", "0", "\"architecture.stack_frames\" must be 1..64; got 0")]
    [TestCase("architecture.stack_frames", "65", "\"architecture.stack_frames\" must be 1..64; got 65")]
    [TestCase("architecture.stack_projection", "-1", "\"architecture.stack_projection\" must be 1..8192; got -1")]
    [TestCase("architecture.stack_projection", "8193",
        "\"architecture.stack_projection\" must be 1..8192; got 8193")]
    [TestCase("architecture.hidden", "8192", "\"architecture\" must be at most 1073741795 weights (what a 2 GiB " +
        "weights.safetensors holds at 16 bits each); got 1343848748 weights")]
    [TestCase("preprocessing.sample_rate", "500", "\"preprocessing.sample_rate\" must be 1000..768000 Hz; got 500")]
    [TestCase("preprocessing.sample_rate", "10000000",
        "\"preprocessing.sample_rate\" must be 1000..768000 Hz; got 10000000")]
    [TestCase("preprocessing.n_mels", "0", "\"preprocessing.n_mels\" must be 1..512; got 0")]
    [TestCase("preprocessing.n_mels", "100000000", "\"preprocessing.n_mels\" must be 1..512; got 100000000")]
    [TestCase("preprocessing.n_mfcc", "3", "\"preprocessing.n_mfcc\" must be 0..2 (the mel band count); got 3")]
    [TestCase("preprocessing.window_seconds", "0.0001",
        "\"preprocessing.window_seconds\" must be 8..65536 samples long (at most 4.096 s at 16000 Hz); got 0.0001")]
    [TestCase("preprocessing.window_seconds", "1e300",
        "\"preprocessing.window_seconds\" must be 8..65536 samples long (at most 4.096 s at 16000 Hz); got 1E+300")]
    [TestCase("preprocessing.hop_seconds", "0",
        "\"preprocessing.hop_seconds\" must be 1 sample .. one window (0.02 s); got 0")]
    [TestCase("preprocessing.hop_seconds", "0.03",
        "\"preprocessing.hop_seconds\" must be 1 sample .. one window (0.02 s); got 0.03")]
    [TestCase("preprocessing.pad_seconds", "3", "\"preprocessing.pad_seconds\" must be in [0, 2] s; got 3")]
    [TestCase("preprocessing.normalization_stats", null, "\"preprocessing.normalization_stats\" must be given " +
        "for global normalisation (the training-set mean and std); got none")]
    [TestCase("preprocessing.normalization_stats", """{"mean": [0, 0, 0], "std": [1, 1, 1], "frames": 5}""",
        "\"preprocessing.normalization_stats\" must be of 2 features, one per mel band; got 3 features")]
    [TestCase("preprocessing.normalization_stats", """{"mean": [0, 0], "std": [1, 0], "frames": 5}""",
        "\"preprocessing.normalization_stats\": feature 1: mean 0, std 0; need finite values and std > 0")]
    [TestCase("preprocessing.normalization_stats", """{"mean": [0, "x"], "std": [1, 1]}""",
        "\"preprocessing.normalization_stats.mean\" is an array, expected a list of numbers")]
    [TestCase("vocabulary.tokens", """["_"]""",
        "\"vocabulary.tokens\" must be a blank and at least one token; got 1 token")]
    [TestCase("vocabulary.tokens", """["|", "a", "a", "_"]""",
        "\"vocabulary.tokens\" must be distinct; got 'a' 2 times")]
    [TestCase("vocabulary.tokens", """["|", "a", null, "_"]""",
        "\"vocabulary.tokens\" must be strings; got null at index 2")]
    [TestCase("vocabulary.tokens", """["|", "a\nb", "c", "_"]""",
        "\"vocabulary.tokens\" must be no control characters or line breaks; got 'a\\u000Ab' at index 1")]
    [TestCase("vocabulary.tokens", """["|", "a", "c\u2028", "_"]""",
        "\"vocabulary.tokens\" must be no control characters or line breaks; got 'c\\u2028' at index 2")]
    [TestCase("vocabulary.blank_index", "4",
        "\"vocabulary.blank_index\" must be in [0, 4) (an index into the tokens); got 4")]
    [TestCase("vocabulary.word_separator", "\"#\"",
        "\"vocabulary.word_separator\" must be one of the tokens; got '#'")]
    public void InvalidValuesAreNamedByTheirConfigKey(string key, string? value, string expected)
    {
        var json = JsonNode.Parse(Sample().ToModelConfig().ToJson())!.AsObject();
        string[] path = key.Split('.');
        var section = json[path[0]]!.AsObject();
        section.Remove(path[1]);
        if (value is not null) section[path[1]] = JsonNode.Parse(value);
        var config = ModelConfig.Parse(json.ToJsonString(), "md/cfg/config.json");

        var ex = Assert.Throws<InvalidDataException>(() => AcousticModelConfig.FromModelConfig(config));
        Assert.That(ex!.Message, Is.EqualTo("md/cfg/config.json: " + expected));
    }

    [Test]
    public void VocabularyEncodesWordsAndCharactersAndRejectsUnknownTokens()
    {
        var words = AcousticVocabulary.DigitWords();
        Assert.That(words.Encode("seven  zero nine"), Is.EqualTo(new[] { 8, 1, 10 }));
        Assert.That(words.Decode(new[] { 8, 0, 1, 10 }), Is.EqualTo("seven zero nine"));
        var chars = new AcousticVocabulary(new[] { "_", "|", "a", "b" }, 0, "|");
        Assert.That(chars.Encode("ab ba"), Is.EqualTo(new[] { 2, 3, 1, 3, 2 }));
        Assert.That(chars.Decode(new[] { 2, 3, 1, 3, 2 }), Is.EqualTo("ab ba"));
        var ex = Assert.Throws<ArgumentException>(() => words.Encode("seven ten"));
        Assert.That(ex!.Message, Does.Contain("'ten'"));
        Assert.Throws<ArgumentException>(() => new AcousticVocabulary(new[] { "_", "a", "a" }));
    }

    // The caps refuse sizes no model has, not the largest real ones: 512 mel bands, a 1 s window at
    // 48 kHz and DeepSpeech 2's seven bidirectional layers of 1760 GRU units all read back.
    [Test]
    public void SizesAtTheLargestRealModelsAreAccepted()
    {
        var large = Sample() with
        {
            FrontEnd = FrontEndKind.Conv, ConvChannels = 32, Cell = RecurrentCellKind.Gru, Hidden = 1760,
            Layers = 7, Bidirectional = true,
            Features = new AcousticFeatures { SampleRate = 48000, MelBands = 512, WindowSeconds = 1, HopSeconds = 0.5 },
        };

        var back = AcousticModelConfig.FromModelConfig(ModelConfig.Parse(large.ToModelConfig().ToJson()));

        Assert.That((back.Hidden, back.Layers, back.Features.MelBands), Is.EqualTo((1760, 7, 512)));
        Assert.That(back.WeightCount(), Is.LessThan(AcousticModelConfig.MaxWeights));
    }

    // WeightCount is what the cap on the whole architecture counts, so it must be the model's own
    // count of weight matrices (rank 2 and up; the biases are left out), for every front end and cell.
    [TestCase(FrontEndKind.Conv, RecurrentCellKind.Gru, true)]
    [TestCase(FrontEndKind.Stack, RecurrentCellKind.Lstm, false)]
    [TestCase(FrontEndKind.None, RecurrentCellKind.Lstm, true)]
    public void WeightCountIsTheBuiltModelsWeightMatrices(FrontEndKind frontEnd, RecurrentCellKind cell, bool both)
    {
        var config = Sample() with
        {
            FrontEnd = frontEnd, Cell = cell, Bidirectional = both, ConvChannels = 5,
            Features = new AcousticFeatures { MelBands = 13 },
        };

        var model = new AcousticModel(config, new Rnn.Core.Rng(1));
        long weights = model.Parameters().Where(p => p.Value.Rank >= 2).Sum(p => (long)p.Value.Length);

        Assert.That(config.WeightCount(), Is.EqualTo(weights));
    }
}
