// The contract between the spec (build time: parser, binder, generator) and the runtime (run time), defined once.
// Compiled as linked source into PipelineGen.Spec, PipelineGen.Generator, PipelineGen.Runtime and PipelineGen.Tool
// (like DelimitedLine.cs and DataValues.cs): the spec library is netstandard2.0 and must not pull the runtime into the
// compiler, and the runtime must not carry the spec parser and YamlDotNet, so there is no library both reference;
// one source file compiled into each is the one definition. Keep it netstandard2.0-compatible and dependency-free.
namespace PipelineGen.Shared;

/// <summary>Names and tokens the spec side writes and the runtime side reads: change them here only.</summary>
internal static class ContractNames
{
    /// <summary>The category a missing categorical value becomes (generated preprocessing, reports, predictions).</summary>
    public const string MissingCategory = "(missing)";

    /// <summary>The metric names per task, as the spec names them and the runtime computes them.</summary>
    public static readonly string[] BinaryMetrics = { "accuracy", "auc", "pr_auc", "f1", "precision", "recall", "log_loss" };
    public static readonly string[] MulticlassMetrics = { "macro_accuracy", "micro_accuracy", "log_loss" };
    public static readonly string[] RegressionMetrics = { "rmse", "mae", "mse", "r2" };

    /// <summary>Metrics where lower is better; every other metric is higher-is-better.</summary>
    public static readonly string[] LowerIsBetterMetrics = { "log_loss", "rmse", "mae", "mse" };

    public static bool HigherIsBetter(string metric) => System.Array.IndexOf(LowerIsBetterMetrics, metric) < 0;

    /// <summary>Baseline strategies (spec key <c>baseline.strategy</c>) a task accepts; "auto" picks one at run time.</summary>
    public const string AutoBaseline = "auto";
    public static readonly string[] ClassificationBaselines = { AutoBaseline, "majority", "prior" };
    public static readonly string[] RegressionBaselines = { AutoBaseline, "mean", "median" };

    /// <summary>The boolean spellings ML.NET's loader accepts (compared case-insensitively).</summary>
    public static readonly string[] TrueSpellings = { "true", "t", "yes", "y", "1", "+1" };
    public static readonly string[] FalseSpellings = { "false", "f", "no", "n", "0", "-1" };

    public static bool IsTrueSpelling(string value) => Contains(TrueSpellings, value);
    public static bool IsFalseSpelling(string value) => Contains(FalseSpellings, value);

    /// <summary>Exit codes of every runtime command (see the brief): 0 ok, 1 a check failed, 2 bad input.</summary>
    public const int ExitOk = 0, ExitCheckFailed = 1, ExitBadInput = 2;

    private static bool Contains(string[] spellings, string value)
    {
        foreach (var s in spellings)
            if (string.Equals(s, value, System.StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
