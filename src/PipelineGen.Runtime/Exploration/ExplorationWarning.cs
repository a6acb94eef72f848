namespace PipelineGen.Runtime.Exploration;

internal sealed record ExplorationWarning(WarningKind Kind, WarningSeverity Severity, string? Column, string Message);
