namespace PipelineGen.Runtime.Data;

internal enum RowProblemKind { RaggedRow, UnparsableNumber, UnparsableBoolean, UnparsableDateTime, UnbalancedQuote, HeaderMismatch, HeaderRepeated }
