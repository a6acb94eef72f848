using System.Text;
using PipelineGen.Tasks;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// The net472 task passes the training program's arguments as one string (no ArgumentList on .NET Framework):
/// <see cref="WindowsCommandLine"/> must quote so that Windows programs split it back into exactly those arguments.
/// </summary>
public class WindowsCommandLineTests
{
    [Theory]
    [InlineData(new[] { "train" }, "train")]
    [InlineData(new[] { @"C:\Program Files\App\App.dll", "train" }, @"""C:\Program Files\App\App.dll"" train")]
    [InlineData(new[] { "" }, @"""""")]
    [InlineData(new[] { @"say ""hi""" }, @"""say \""hi\""""")]
    [InlineData(new[] { @"C:\dir with space\" }, @"""C:\dir with space\\""")]
    [InlineData(new[] { @"a\\b" }, @"a\\b")]
    [InlineData(new[] { @"a\""b" }, @"""a\\\""b""")]
    [InlineData(new[] { "a&b|c%PATH%^`$(x)" }, "a&b|c%PATH%^`$(x)")]
    public void Quotes_only_what_must_be_quoted(string[] arguments, string expected) =>
        Assert.Equal(expected, WindowsCommandLine.Join(arguments));

    [Theory]
    [InlineData("train")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(@"C:\Program Files\App\App.dll")]
    [InlineData(@"C:\dir with space\")]
    [InlineData(@"C:\trailing\\")]
    [InlineData(@"\\server\share\x y\App.dll")]
    [InlineData("\"")]
    [InlineData("\"\"")]
    [InlineData(@"\""")]
    [InlineData(@"\\""\\")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData(@"inj `touch INJECTED` x & del *.* | ""$(rm -rf)""")]
    public void Windows_splits_the_string_back_into_the_same_arguments(string argument)
    {
        var arguments = new[] { "before", argument, "after\\" };
        Assert.Equal(arguments, SplitLikeWindows(WindowsCommandLine.Join(arguments)));
    }

    /// <summary>The splitter below follows the documented rules: Microsoft's own examples ("Parsing C++ command-line arguments").</summary>
    [Theory]
    [InlineData(@"""a b c"" d e", new[] { "a b c", "d", "e" })]
    [InlineData(@"""ab\""c"" ""\\"" d", new[] { @"ab""c", @"\", "d" })]
    [InlineData(@"a\\\b d""e f""g h", new[] { @"a\\\b", "de fg", "h" })]
    [InlineData(@"a\\\""b c d", new[] { @"a\""b", "c", "d" })]
    [InlineData(@"a\\\\""b c"" d e", new[] { @"a\\b c", "d", "e" })]
    [InlineData(@"a""b"""" c d", new[] { @"ab"" c d" })]
    public void The_reference_splitter_matches_Microsofts_examples(string commandLine, string[] expected) =>
        Assert.Equal(expected, SplitLikeWindows(commandLine));

    /// <summary>
    /// The MSVC runtime's rules for every argument after the program name (CommandLineToArgvW agrees on these): blanks
    /// separate outside quotes; 2n backslashes + quote = n backslashes and the quote toggles quoting; 2n+1 backslashes +
    /// quote = n backslashes and a literal quote; other backslashes are literal; inside quotes "" is a literal quote.
    /// </summary>
    private static List<string> SplitLikeWindows(string commandLine)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        bool inQuotes = false, inArgument = false;
        for (int i = 0; i < commandLine.Length; i++)
        {
            char c = commandLine[i];
            if (!inQuotes && (c == ' ' || c == '\t'))
            {
                if (inArgument) { result.Add(current.ToString()); current.Clear(); inArgument = false; }
                continue;
            }
            inArgument = true;
            if (c == '\\')
            {
                int start = i;
                while (i < commandLine.Length && commandLine[i] == '\\') i++;
                int count = i - start;
                if (i < commandLine.Length && commandLine[i] == '"')
                {
                    current.Append('\\', count / 2);
                    if (count % 2 == 1) current.Append('"');
                    else i--; // the quote is a delimiter: handled on the next turn
                }
                else
                {
                    current.Append('\\', count);
                    i--;
                }
                continue;
            }
            if (c == '"')
            {
                if (inQuotes && i + 1 < commandLine.Length && commandLine[i + 1] == '"') { current.Append('"'); i++; }
                else inQuotes = !inQuotes;
                continue;
            }
            current.Append(c);
        }
        if (inArgument) result.Add(current.ToString());
        return result;
    }
}
