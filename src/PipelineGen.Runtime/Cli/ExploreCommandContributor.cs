using System.CommandLine;
using PipelineGen.Runtime.Exploration;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>explore</c>: the data understanding report of the Exploration area, before any training.</summary>
internal sealed class ExploreCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var compareWith = new Option<string?>("--compare-with") { Description = "Second data file to check for drift (default: the spec's test data)." };
        var settings = services.Pipeline.Settings;
        // Beside the other reports (curve), not in whatever folder the command happens to run from.
        var output = new Option<string>("--output")
        {
            Description = "Where to write the HTML report (default: <project>/.pipelinegen/reports/<name>.explore.html).",
            DefaultValueFactory = _ => Path.Combine(settings.ResolvePath(".pipelinegen"), "reports", settings.Name + ".explore.html"),
        };
        var skipLeakage = new Option<bool>("--skip-leakage") { Description = "Skip the one-column leakage probes (they train one small model per column)." };
        var failOnDrift = new Option<bool>("--fail-on-drift") { Description = "Exit 1 when a column drifts majorly between the training and comparison data." };
        var command = new Command("explore", "Report on the data before any training: statistics, missing values, class balance, duplicates, leakage, drift.");
        command.Options.Add(services.Options.Data);
        command.Options.Add(compareWith);
        command.Options.Add(output);
        command.Options.Add(services.Options.Seed);
        command.Options.Add(services.Options.BadRows);
        command.Options.Add(skipLeakage);
        command.Options.Add(failOnDrift);
        command.SetAction(parse => services.RunStep("explore", record =>
        {
            var options = new ExploreOptions
            {
                DataPath = parse.GetValue(services.Options.Data),
                CompareWithPath = parse.GetValue(compareWith),
                OutputHtmlPath = parse.GetValue(output)!,
                Seed = parse.GetValue(services.Options.Seed) ?? services.Pipeline.Settings.Seed,
                SkipLeakage = parse.GetValue(skipLeakage),
                FailOnMajorDrift = parse.GetValue(failOnDrift),
                BadRows = parse.GetValue(services.Options.BadRows) switch { null => null, "skip" => BadRowPolicy.Skip, _ => BadRowPolicy.Fail },
            };
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutputHtmlPath))!);
            record.Parameters["data"] = options.DataPath ?? services.Pipeline.Settings.TrainDataPath;
            record.Parameters["output"] = options.OutputHtmlPath;
            record.Parameters["seed"] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Exploring 54k rows takes seconds: a terminal sees a progress line on stderr (redrawn in place, erased at the
            // end); redirected or captured output gets none, so logs and piped output stay clean.
            using var progress = services.Interactive ? new ProgressLine(services.Error, "explore") : null;
            return ExploreCommand.Run(services.Pipeline, options, services.Output, progress, services.Width);
        }));
        root.Subcommands.Add(command);
    }
}
