using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// How to start this same program again as a worker: the running executable (or <c>dotnet app.dll</c>) and the
/// arguments the user put before the command (e.g. a pipeline selector like <c>leaky</c>), so the worker runs the
/// same generated pipeline.
/// </summary>
internal sealed record WorkerCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    public static WorkerCommand Current(string commandName)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown, so no worker process can be started; run without --workers.");
        var args = Environment.GetCommandLineArgs();
        var prefix = new List<string>();
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) prefix.Add(args[0]);
        var rest = args.Skip(1).ToList();
        int index = rest.IndexOf(commandName);
        if (index > 0) prefix.AddRange(rest.Take(index));
        return new WorkerCommand(exe, prefix);
    }
}
