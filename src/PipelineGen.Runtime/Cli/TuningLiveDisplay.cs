using System.Diagnostics;
using System.Globalization;
using PipelineGen.Runtime.Tuning;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>The interactive form: a Spectre live table redrawn on every event, left on screen when the study ends.</summary>
internal sealed class TuningLiveDisplay(IAnsiConsole console, TuningLiveStatus status, string pipeline)
{
    private readonly object _gate = new();
    private LiveDisplayContext? _context;

    public T Run<T>(Func<T> work)
    {
        T result = default!;
        console.Live(Render()).AutoClear(false).Start(context =>
        {
            lock (_gate) _context = context;
            try { result = work(); }
            finally { lock (_gate) { context.UpdateTarget(Render()); context.Refresh(); _context = null; } }
        });
        return result;
    }

    public void Refresh()
    {
        lock (_gate)
        {
            if (_context is null) return;
            _context.UpdateTarget(Render());
            _context.Refresh();
        }
    }

    private Table Render()
    {
        var s = status.Snapshot();
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Tuning {pipeline}"));
        table.AddColumn("");
        table.AddColumn("");
        table.AddRow("Running", s.Running.ToString(CultureInfo.InvariantCulture));
        table.AddRow("Finished", s.Finished.ToString(CultureInfo.InvariantCulture) + (s.Pruned > 0 ? $" ({s.Pruned} pruned at a lower rung)" : ""));
        table.AddRow("Failed", s.Failed.ToString(CultureInfo.InvariantCulture) + (s.Stopped > 0 ? $", {s.Stopped} stopped by the time budget" : ""));
        table.AddRow("Best so far", Markup.Escape(status.BestText()));
        table.AddRow("Time left", status.TimeLeft() is { } left ? "about " + TuningCommandContributor.FormatDuration(left) : "unknown until the first trial ends");
        return table;
    }
}
