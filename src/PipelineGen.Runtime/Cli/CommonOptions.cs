using System.CommandLine;
using System.Diagnostics;
using PipelineGen.Runtime.Data;
using PipelineGen.Runtime.Evaluation;
using PipelineGen.Runtime.Runs;
using Spectre.Console;

namespace PipelineGen.Runtime.Cli;

/// <summary>Options several commands share. One instance each, added to every command that takes it.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Data file to use instead of the spec's training data (relative to the current directory).",
    };

    public Option<int?> Seed { get; } = new("--seed")
    {
        Description = "Seed for splits and training (default: the spec's). The same seed gives identical numbers.",
    };

    public Option<int?> Folds { get; } = new("--folds") { Description = "Number of folds for kfold and repeated-kfold." };

    public Option<int?> Repeats { get; } = new("--repeats") { Description = "Repeats for repeated-kfold (reshuffled each repeat)." };

    public Option<double?> HoldoutFraction { get; } = new("--holdout-fraction") { Description = "Validation share for the holdout protocol." };

    public Option<string?> Protocol { get; } = CreateProtocol();

    public Option<string?> BadRows { get; } = CreateBadRows();

    private static Option<string?> CreateProtocol()
    {
        var option = new Option<string?>("--protocol") { Description = "Evaluation protocol: holdout, kfold or repeated-kfold." };
        option.AcceptOnlyFromAmong("holdout", "kfold", "repeated-kfold", "repeated_kfold");
        return option;
    }

    private static Option<string?> CreateBadRows()
    {
        var option = new Option<string?>("--bad-rows") { Description = "What to do with rows that do not parse: fail (exit 2, listing them) or skip (leave them out, counted)." };
        option.AcceptOnlyFromAmong("fail", "skip");
        return option;
    }

    /// <summary>Adds the evaluation options to a command.</summary>
    public void AddEvaluationOptions(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Seed);
        command.Options.Add(Protocol);
        command.Options.Add(Folds);
        command.Options.Add(Repeats);
        command.Options.Add(HoldoutFraction);
        command.Options.Add(BadRows);
    }

    /// <summary>The evaluation options as the typed API takes them.</summary>
    public EvaluationOptions ReadEvaluationOptions(ParseResult parse) => new()
    {
        DataPath = parse.GetValue(Data),
        Seed = parse.GetValue(Seed),
        Folds = parse.GetValue(Folds),
        Repeats = parse.GetValue(Repeats),
        HoldoutFraction = parse.GetValue(HoldoutFraction),
        Protocol = parse.GetValue(Protocol) switch
        {
            null => null,
            "holdout" => EvaluationProtocol.Holdout,
            "kfold" => EvaluationProtocol.KFold,
            _ => EvaluationProtocol.RepeatedKFold,
        },
        BadRows = parse.GetValue(BadRows) switch
        {
            null => null,
            "skip" => BadRowPolicy.Skip,
            _ => BadRowPolicy.Fail,
        },
    };
}
