using System.CommandLine;
using PipelineGen.Runtime.Runs;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// The command-line host generated projects run (<c>dotnet run -- evaluate</c>). Commands come from the
/// <see cref="ICommandContributor"/>s in <c>CommandContributors.cs</c>, so an area adds commands without touching this file.
/// </summary>
public static partial class PipelineApp
{
    /// <summary>Runs the command line against the process's console.</summary>
    public static int Run(string[] args, IPipelineDefinition pipeline)
    {
        // Started by the build's training step: end with the build process even when it is killed outright (kill -9).
        ParentProcessWatch.StartIfRequested();
        var interactive = !System.Console.IsOutputRedirected;
        return Run(args, pipeline, System.Console.Out, System.Console.Error, interactive, consoleWidth: interactive ? ConsoleWidth.OfTerminal() : null);
    }

    /// <summary>Runs the command line with its output captured (tests, embedding): plain text, no colour or animation.</summary>
    public static int Run(string[] args, IPipelineDefinition pipeline, TextWriter output, TextWriter error,
        IEnumerable<ICommandContributor>? extraContributors = null, string? runStorePath = null, int? consoleWidth = null) =>
        Run(args, pipeline, output, error, interactive: false, extraContributors, runStorePath, consoleWidth);

    private static int Run(string[] args, IPipelineDefinition pipeline, TextWriter output, TextWriter error, bool interactive,
        IEnumerable<ICommandContributor>? extraContributors = null, string? runStorePath = null, int? consoleWidth = null)
    {
        // Before anything resolves a path: the project folder named on the command line (see ProjectLocation).
        ApplyProjectDirectoryOption(args);
        var services = new CommandServices(pipeline, output, error, interactive, consoleWidth)
        {
            RunStorePath = runStorePath ?? RunStore.DefaultPath(pipeline.Settings),
        };
        var root = new RootCommand($"{pipeline.Settings.Name}: the workflow steps of this PipelineGen pipeline ({pipeline.Settings.Task}, trainer {pipeline.Settings.TrainerName}).");
        root.Options.Add(ProjectDirectoryOption());
        foreach (var contributor in Contributors.Concat(RegisteredFor(pipeline.GetType())).Concat(ExtensionContributors()).Concat(extraContributors ?? []))
            contributor.Contribute(root, services);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("Run with --help to see the commands and options.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = services.Output, Error = error });
        }
        finally
        {
            services.Output.Flush();
        }
    }

    private static readonly List<(Type Pipeline, ICommandContributor Contributor)> Registered = [];

    /// <summary>
    /// Adds commands for one pipeline type from outside the runtime: a package the console runtime must not depend on
    /// (PipelineGen.Serving's <c>serve</c>) registers them from generated code's module initializer.
    /// </summary>
    public static void RegisterCommands(Type pipelineType, ICommandContributor contributor)
    {
        ArgumentNullException.ThrowIfNull(pipelineType);
        ArgumentNullException.ThrowIfNull(contributor);
        lock (Registered) Registered.Add((pipelineType, contributor));
    }

    private static ICommandContributor[] RegisteredFor(Type pipelineType)
    {
        lock (Registered) return Registered.Where(r => r.Pipeline.IsAssignableFrom(pipelineType)).Select(r => r.Contributor).ToArray();
    }

    private const string ProjectDirOption = "--project-dir";

    private static Option<string?> ProjectDirectoryOption() => new(ProjectDirOption)
    {
        Recursive = true,
        Description = $"The project folder the spec's paths are relative to (default: found from the working directory or the program's folder; also {ProjectLocation.EnvironmentVariable}).",
    };

    /// <summary>
    /// '--project-dir DIR' (or '--project-dir=DIR') sets <see cref="ProjectLocation.EnvironmentVariable"/> for this process
    /// and the workers it starts; read before parsing because the run store's path is resolved before the command runs.
    /// </summary>
    private static void ApplyProjectDirectoryOption(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            string? value = null;
            if (args[i] == ProjectDirOption && i + 1 < args.Length) value = args[i + 1];
            else if (args[i].StartsWith(ProjectDirOption + "=", StringComparison.Ordinal)) value = args[i][(ProjectDirOption.Length + 1)..];
            if (!string.IsNullOrWhiteSpace(value)) Environment.SetEnvironmentVariable(ProjectLocation.EnvironmentVariable, Path.GetFullPath(value));
        }
    }
}
