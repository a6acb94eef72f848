namespace PipelineGen.Runtime.Data;

public enum RowProblemKind { RaggedRow, UnparsableNumber, UnparsableBoolean, UnbalancedQuote, HeaderMismatch }
