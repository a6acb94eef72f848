using System.Globalization;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// One progress line on a terminal's stderr ("explore: 40%"), redrawn in place with a carriage return at most every
/// 200 ms and erased when disposed. Only for interactive use: redirected output gets no progress at all.
/// </summary>
internal sealed class ProgressLine(TextWriter error, string step) : IProgress<double>, IDisposable
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.MinValue;
    private int _written;

    public void Report(double value)
    {
        var now = _clock.Elapsed;
        if (now - _last < TimeSpan.FromMilliseconds(200) && value < 1) return;
        _last = now;
        var text = string.Create(CultureInfo.InvariantCulture, $"{step}: {Math.Clamp(value, 0, 1):0%} ({now.TotalSeconds:0} s)");
        error.Write("\r" + text.PadRight(_written));
        error.Flush();
        _written = text.Length;
    }

    public void Dispose()
    {
        if (_written == 0) return;
        error.Write("\r" + new string(' ', _written) + "\r");
        error.Flush();
    }
}
