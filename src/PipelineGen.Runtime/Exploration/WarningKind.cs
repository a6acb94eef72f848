namespace PipelineGen.Runtime.Exploration;

internal enum WarningKind { Imbalance, SingleClass, Leakage, Drift, IdLike, AllMissing, Constant, HighMissing, Duplicates, Unreadable, BadRows, InformativeMissing, TrainingOverlap, LabelSpelling, LabelOutliers, LabelConflicts }
