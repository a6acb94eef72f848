using System.Globalization;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// A step's current phase on a terminal's stderr ("train: fitting on 54,000 rows (12 s)"), redrawn in place every second
/// and erased when disposed. For steps with no fraction to report (one ML.NET <c>Fit</c> gives none), so the line shows
/// what is running and for how long rather than an invented percentage; <see cref="ProgressLine"/> is for steps that
/// have one. Only for interactive use: redirected output gets no progress at all.
/// </summary>
internal sealed class ElapsedLine : IDisposable
{
    private readonly TextWriter _error;
    private readonly string _step;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Timer _timer;
    private readonly object _gate = new();
    private string? _phase;
    private int _written;
    private bool _disposed;

    public ElapsedLine(TextWriter error, string step)
    {
        _error = error;
        _step = step;
        _timer = new Timer(_ => Draw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Shows a new phase now (the elapsed time keeps counting from the step's start).</summary>
    public void Phase(string phase)
    {
        lock (_gate) _phase = phase;
        Draw();
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_disposed || _phase is null) return;
            var text = string.Create(CultureInfo.InvariantCulture, $"{_step}: {_phase} ({_clock.Elapsed.TotalSeconds:0} s)");
            _error.Write("\r" + text.PadRight(_written));
            _error.Flush();
            _written = text.Length;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            _disposed = true;
            if (_written == 0) return;
            _error.Write("\r" + new string(' ', _written) + "\r");
            _error.Flush();
        }
    }
}
