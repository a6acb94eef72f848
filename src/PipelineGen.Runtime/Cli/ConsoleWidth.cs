using System.Text;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// How wide the output may be. A terminal's own width when output goes to one (an 80-column terminal gets lines of at
/// most 80 characters: prose wraps at spaces, tables are laid out to fit); captured or redirected output is a log and is
/// not wrapped unless a width is asked for (<c>PipelineApp.Run(..., consoleWidth: 80)</c>).
/// </summary>
internal static class ConsoleWidth
{
    public static int? OfTerminal()
    {
        try { return System.Console.WindowWidth is > 0 and var w ? w : null; }
        catch (IOException) { return null; }
    }
}
