namespace PipelineGen.Runtime.Exploration;

internal enum WarningSeverity { Info, Warning, Serious }
