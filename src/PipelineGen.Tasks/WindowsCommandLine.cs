using System.Text;

namespace PipelineGen.Tasks;

/// <summary>
/// Builds one command-line string that a Windows program splits back into exactly the given arguments.
/// </summary>
/// <remarks>
/// Needed by the net472 build of the task (MSBuild on .NET Framework: Visual Studio, msbuild.exe), where
/// <c>ProcessStartInfo.ArgumentList</c> does not exist and the child gets one string. The child (<c>dotnet</c>, a C
/// runtime program) splits it by the rules of <c>CommandLineToArgvW</c> / the MSVC runtime: blanks separate arguments
/// outside quotes; <c>"</c> opens and closes quoting; 2n backslashes before a quote are n backslashes and the quote is
/// a delimiter; 2n+1 backslashes before a quote are n backslashes and a literal quote; backslashes not before a quote
/// are literal. So an argument is quoted when it is empty or holds a blank or a quote, a literal quote is written
/// <c>\"</c>, and backslashes are doubled only where a quote (literal or the closing one) follows them.
/// No shell reads this string, so shell characters (<c>&amp;</c>, <c>|</c>, <c>%</c>, <c>`</c>, <c>$(…)</c>) need nothing.
/// </remarks>
public static class WindowsCommandLine
{
    /// <summary>The arguments joined with single spaces, each quoted only when it must be.</summary>
    public static string Join(IEnumerable<string> arguments)
    {
        var builder = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (builder.Length > 0) builder.Append(' ');
            Append(builder, argument);
        }
        return builder.ToString();
    }

    /// <summary>Appends one argument, quoted when it is empty or holds a space, tab, line break or quote.</summary>
    public static void Append(StringBuilder builder, string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny(NeedsQuotes) < 0)
        {
            builder.Append(argument);
            return;
        }
        builder.Append('"');
        int backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            if (c == '"')
            {
                // n backslashes then a literal quote: 2n+1 backslashes and the quote.
                builder.Append('\\', backslashes * 2 + 1).Append('"');
            }
            else
            {
                builder.Append('\\', backslashes).Append(c);
            }
            backslashes = 0;
        }
        // Before the closing quote every backslash is doubled, so the quote stays a delimiter.
        builder.Append('\\', backslashes * 2).Append('"');
    }

    private static readonly char[] NeedsQuotes = [' ', '\t', '\n', '\v', '"'];
}
