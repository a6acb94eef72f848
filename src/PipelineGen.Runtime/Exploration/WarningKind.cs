namespace PipelineGen.Runtime.Exploration;

internal enum WarningKind { Imbalance, SingleClass, Leakage, Drift, IdLike, AllMissing, Constant, HighMissing, Duplicates, Unreadable, BadRows, InformativeMissing, DateOrder, TrainingOverlap, LabelSpelling, LabelOutliers, LabelConflicts, MissingCode, Spelling, LabelStray }
