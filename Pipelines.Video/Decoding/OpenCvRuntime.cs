using System.Runtime.InteropServices;
using OpenCvSharp;

namespace Pipelines.Video.Decoding;

/// <summary>
/// Loads OpenCV's native library once, quietly: OpenCV and its FFmpeg print their own messages
/// on stderr (e.g. "moov atom not found"), which would break the one-clear-line rule for bad
/// input, so their logging is switched off and our exceptions carry the reason instead.
/// </summary>
public static class OpenCvRuntime
{
    private static readonly Lazy<string> Version = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>OpenCV's version string, e.g. "4.13.0"; loads the native library on first use.</summary>
    /// <exception cref="InvalidOperationException">The native library or a dependency is missing.</exception>
    public static string EnsureLoaded() => Version.Value;

    private static string Load()
    {
        // OpenCV reads OPENCV_FFMPEG_LOGLEVEL when its FFmpeg backend first starts; .NET's
        // Environment.SetEnvironmentVariable does not reach native getenv on Unix, so use libc's.
        // -8 is AV_LOG_QUIET. A value the user set wins.
        if (!OperatingSystem.IsWindows() && Environment.GetEnvironmentVariable("OPENCV_FFMPEG_LOGLEVEL") is null)
        {
            NativeEnv.SetEnv("OPENCV_FFMPEG_LOGLEVEL", "-8");
        }

        try
        {
            Cv2.SetLogLevel(LogLevel.SILENT);
            return Cv2.GetVersionString() ?? "unknown";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new InvalidOperationException(
                "OpenCV's native library (libOpenCvSharpExtern.so from OpenCvSharp4.official.runtime.linux-x64) " +
                "could not be loaded; on Debian/Ubuntu install its dependencies with " +
                "'apt-get install libgtk-3-0' (reason: " + FirstLine(e) + ")", e);
        }
    }

    private static string FirstLine(Exception e)
    {
        var inner = e.InnerException ?? e;
        return inner.Message.Split('\n')[0].Trim();
    }

    private static class NativeEnv
    {
        [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
        private static extern int setenv(string name, string value, int overwrite);

        public static void SetEnv(string name, string value)
        {
            try
            {
                _ = setenv(name, value, 0);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // Without libc's setenv FFmpeg only stays chatty; decoding is unaffected.
            }
        }
    }
}
