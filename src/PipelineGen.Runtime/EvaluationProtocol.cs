namespace PipelineGen.Runtime;

/// <summary>Evaluation protocol of the spec's <c>evaluate</c> section.</summary>
public enum EvaluationProtocol { Holdout, KFold, RepeatedKFold }
