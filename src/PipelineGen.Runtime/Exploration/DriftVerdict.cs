namespace PipelineGen.Runtime.Exploration;

internal enum DriftVerdict { Stable, Moderate, Major, NotComputed }
