using Spectre.Console;
using Spectre.Console.Rendering;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// A Spectre table rendered as plain text (no colour, no ANSI) within a width, for output that goes to a
/// <see cref="TextWriter"/> rather than the command's console: Spectre lays out and pads the columns, not the caller.
/// </summary>
internal static class PlainTable
{
    /// <summary>A borderless table of text cells. <paramref name="rightAligned"/>: column indexes aligned right (numbers);
    /// <paramref name="markerColumn"/>: the first column is a one-character marker with no left padding.</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int width,
        IReadOnlyCollection<int>? rightAligned = null, bool markerColumn = false)
    {
        var table = new Table().Border(TableBorder.None);
        for (int i = 0; i < headers.Count; i++)
        {
            var column = new TableColumn(new Text(headers[i])).NoWrap();
            if (rightAligned?.Contains(i) == true) column.RightAligned();
            if (i == 0 && markerColumn) column.PadLeft(0);
            table.AddColumn(column);
        }
        foreach (var row in rows) table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        return Lines(table, width);
    }

    public static IReadOnlyList<string> Lines(IRenderable table, int width)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(table);
        return writer.ToString().Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
    }
}
