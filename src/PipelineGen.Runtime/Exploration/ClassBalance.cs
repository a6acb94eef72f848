namespace PipelineGen.Runtime.Exploration;

internal sealed record ClassBalance(IReadOnlyList<ValueCount> Classes, double MinorityShare, double MajorityToMinorityRatio, bool Imbalanced);
