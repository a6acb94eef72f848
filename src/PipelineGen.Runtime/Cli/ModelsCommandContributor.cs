using System.CommandLine;
using System.Globalization;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Cli;

/// <summary>
/// <c>models</c> (the versions of the pipeline's model, which is current, their metric and gates), <c>models promote V
/// --reason</c> and <c>models rollback --reason</c>. The work is in <see cref="ModelVersions"/>; this file parses and formats.
/// </summary>
internal sealed class ModelsCommandContributor : ICommandContributor
{
    /// <summary>Width of the version list (a terminal's 80 columns).</summary>
    public const int Width = 80;

    public void Contribute(RootCommand root, CommandServices services)
    {
        Option<string?> Model() => new("--model") { Description = "Model (default: <project>/.pipelinegen/models/<name>.zip; its versions are in <name>/)." };
        Option<string> Reason() => new("--reason") { Description = "Why the current model changes; recorded in the model's history (required).", Required = true };

        var listModel = Model();
        var models = new Command("models", "List the versions of the model: which is current, its metric and its gates. 'predict' and 'test' use the current one.");
        models.Options.Add(listModel);
        models.SetAction(parse => Guarded(services, () => List(services, PathOf(services, parse.GetValue(listModel)))));

        var version = new Argument<string>("version") { Description = "The version to make current (a folder name listed by 'models')." };
        var promoteModel = Model();
        var promoteReason = Reason();
        var promote = new Command("promote", "Make a version current (e.g. a candidate that failed a gate), with the reason recorded.");
        promote.Arguments.Add(version);
        promote.Options.Add(promoteModel);
        promote.Options.Add(promoteReason);
        promote.SetAction(parse => Guarded(services, () =>
        {
            var path = PathOf(services, parse.GetValue(promoteModel));
            var v = parse.GetValue(version)!;
            var previous = ModelVersions.Promote(path, v, parse.GetValue(promoteReason)!, TrainStep.LockTimeout, m => services.Output.WriteLine($"Note: {m}"));
            services.Output.WriteLine($"Current model: {v} (was {previous ?? "none"}). Reason recorded in {ModelHistory.PathOf(path)}.");
            return ExitCodes.Ok;
        }));

        var rollbackModel = Model();
        var rollbackReason = Reason();
        var rollback = new Command("rollback", "Make the version that was current before the current one current again, with the reason recorded.");
        rollback.Options.Add(rollbackModel);
        rollback.Options.Add(rollbackReason);
        rollback.SetAction(parse => Guarded(services, () =>
        {
            var path = PathOf(services, parse.GetValue(rollbackModel));
            var (from, to) = ModelVersions.Rollback(path, parse.GetValue(rollbackReason)!, TrainStep.LockTimeout, m => services.Output.WriteLine($"Note: {m}"));
            services.Output.WriteLine($"Rolled back: current model {to} (was {from}). Reason recorded in {ModelHistory.PathOf(path)}.");
            return ExitCodes.Ok;
        }));

        models.Subcommands.Add(promote);
        models.Subcommands.Add(rollback);
        root.Subcommands.Add(models);
    }

    private static string PathOf(CommandServices services, string? given) =>
        Path.GetFullPath(given ?? ModelStore.DefaultModelPath(services.Pipeline.Settings));

    private static int Guarded(CommandServices services, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            services.Error.WriteLine($"models: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            services.Error.WriteLine($"models: cannot change the model pointer: {e.Message} The current model is unchanged.");
            return ExitCodes.BadInput;
        }
    }

    private static int List(CommandServices services, string modelPath)
    {
        var versions = ModelVersions.List(modelPath);
        var output = services.Output;
        if (versions.Count == 0)
        {
            output.WriteLine($"No model versions under {ModelStore.VersionsDirectory(modelPath)}. Run 'train' (or 'run').");
            return ExitCodes.Ok;
        }
        foreach (var line in Format(versions)) output.WriteLine(line);
        output.WriteLine(Fit($"* = current ({ModelStore.PointerPath(modelPath)})."));
        return ExitCodes.Ok;
    }

    /// <summary>The version list, every line at most <see cref="Width"/> characters: version, primary metric, gates passed, status.</summary>
    public static IReadOnlyList<string> Format(IReadOnlyList<ModelVersionInfo> versions)
    {
        // Spectre lays the columns out within the width; '*' marks the current version.
        var rows = new List<string[]>();
        foreach (var v in versions.Reverse())
        {
            var card = v.Card;
            string metric = "-";
            if (card?.Metrics is { } metrics && metrics.TryGetValue(card.Metric, out var m))
                metric = string.Create(CultureInfo.InvariantCulture, $"{card.Metric} {m.Mean:0.####}");
            var gates = card?.Gates is { } g ? $"{g.Count(x => x.Passed)}/{g.Count}" : "-";
            var status = v.CardProblem ?? (v.IsCurrent ? "current" : card?.Promotion is { Promoted: false } p
                ? "candidate: " + (p.WorseThanCurrent ? "worse" : "gate failed")
                : "earlier");
            rows.Add([v.IsCurrent ? "*" : " ", v.Version, Cut(metric, 24), gates, status]);
        }
        return PlainTable.Lines([" ", "version", "metric", "gates", "status"], rows, Width, markerColumn: true).Select(Fit).ToArray();
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
    private static string Fit(string line) => Cut(line, Width);
}
