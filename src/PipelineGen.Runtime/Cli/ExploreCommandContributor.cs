using System.CommandLine;
using PipelineGen.Runtime.Exploration;

namespace PipelineGen.Runtime.Cli;

/// <summary><c>explore</c>: the data understanding report of the Exploration area, before any training.</summary>
public sealed class ExploreCommandContributor : ICommandContributor
{
    public void Contribute(RootCommand root, CommandServices services)
    {
        var compareWith = new Option<string?>("--compare-with") { Description = "Second data file to check for drift (default: the spec's test data)." };
        var output = new Option<string>("--output")
        {
            Description = "Where to write the HTML report.",
            DefaultValueFactory = _ => "explore-report.html",
        };
        var command = new Command("explore", "Report on the data before any training: statistics, missing values, class balance, duplicates, leakage, drift.");
        command.Options.Add(services.Options.Data);
        command.Options.Add(compareWith);
        command.Options.Add(output);
        command.Options.Add(services.Options.Seed);
        command.SetAction(parse => services.RunStep("explore", record =>
        {
            var options = new ExploreOptions
            {
                DataPath = parse.GetValue(services.Options.Data),
                CompareWithPath = parse.GetValue(compareWith),
                OutputHtmlPath = parse.GetValue(output)!,
                Seed = parse.GetValue(services.Options.Seed) ?? services.Pipeline.Settings.Seed,
            };
            record.Parameters["data"] = options.DataPath ?? services.Pipeline.Settings.TrainDataPath;
            record.Parameters["output"] = options.OutputHtmlPath;
            record.Parameters["seed"] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ExploreCommand.Run(services.Pipeline, options, services.Output);
        }));
        root.Subcommands.Add(command);
    }
}
