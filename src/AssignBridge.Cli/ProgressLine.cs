using System.Diagnostics;
using System.Globalization;
using AssignBridge.People;

namespace AssignBridge.Cli;

/// <summary>
/// A progress bar on one line of stderr, rewritten in place at most five times a second:
/// <c>[##########----------] 25,000/50,000 rows  50%  4,210 rows/s</c>. <see cref="Finish"/> ends the line.
/// </summary>
internal sealed class ProgressLine(TextWriter error, int width = 30) : IProgress<ImportProgress>
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _lock = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _lastDrawn;
    private bool _drawn;
    private int _length;

    public void Report(ImportProgress value)
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            if (value.Written != value.ToWrite && _drawn && Stopwatch.GetElapsedTime(_lastDrawn, now) < s_interval)
            {
                return;
            }

            var line = Render(value, Stopwatch.GetElapsedTime(_started, now), width);
            error.Write("\r" + line.PadRight(_length)); // blanks over the end of a longer line drawn before
            (_lastDrawn, _drawn, _length) = (now, true, line.Length);
        }
    }

    /// <summary>Ends the line once something was drawn, so what follows starts on a line of its own.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_drawn)
            {
                error.WriteLine();
                _drawn = false;
            }
        }
    }

    internal static string Render(ImportProgress value, TimeSpan elapsed, int width)
    {
        var fraction = value.ToWrite == 0 ? 1.0 : Math.Clamp((double)value.Written / value.ToWrite, 0, 1);
        var filled = (int)Math.Round(fraction * width);
        var rate = elapsed.TotalSeconds >= 0.5 && value.Written > 0 ? $"  {value.Written / elapsed.TotalSeconds:N0} rows/s" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', width - filled)}] {value.Written:N0}/{value.ToWrite:N0} rows {fraction * 100,4:0}%{rate}");
    }
}
