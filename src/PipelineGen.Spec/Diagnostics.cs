using System;
using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec;

public enum Severity { Info, Warning, Error }

/// <summary>A position range in a text file. Lines and columns are 1-based; offsets 0-based (end exclusive).</summary>
public readonly record struct SourceSpan(int StartLine, int StartColumn, int EndLine, int EndColumn, int StartOffset, int EndOffset)
{
    public static readonly SourceSpan None = new(0, 0, 0, 0, 0, 0);
    public bool IsNone => StartLine == 0;
    public static SourceSpan At(int line, int column) => new(line, column, line, column, 0, 0);
}

/// <summary>A diagnostic as plain, equatable data: it becomes a Roslyn Diagnostic (generator) or an MSBuild message (tool) only when reported.</summary>
public sealed record DiagnosticInfo(string Id, Severity Severity, string Message, string FilePath, SourceSpan Span)
{
    /// <summary>The canonical MSBuild/compiler form: <c>file(line,col): error PG0001: message</c>.</summary>
    public override string ToString()
    {
        var where = Span.IsNone ? FilePath : $"{FilePath}({Span.StartLine},{Span.StartColumn})";
        var kind = Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "info" };
        return $"{where}: {kind} {Id}: {Message}";
    }
}

/// <summary>One diagnostic id: stable forever once shipped (see AnalyzerReleases.Shipped.md).</summary>
public sealed record DiagnosticDescriptorInfo(string Id, string Title, Severity DefaultSeverity, string MessageFormat, string Category)
{
    public DiagnosticInfo Create(string filePath, SourceSpan span, params object[] args) =>
        new(Id, DefaultSeverity, string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageFormat, args), filePath, span);

    public DiagnosticInfo Create(Severity severity, string filePath, SourceSpan span, params object[] args) =>
        Create(filePath, span, args) with { Severity = severity };
}

/// <summary>
/// Every diagnostic PipelineGen reports. The generator and the build tool both use these, so the same mistake
/// always has the same id. Messages say what is wrong and what to do.
/// </summary>
public static class SpecDiagnostics
{
    private const string SpecCategory = "PipelineGen.Spec";
    private const string DataCategory = "PipelineGen.Data";
    private const string ModelCategory = "PipelineGen.Model";

    // PG00xx: the YAML document itself.
    public static readonly DiagnosticDescriptorInfo YamlSyntax = new("PG0001", "Invalid YAML", Severity.Error,
        "The spec is not valid YAML: {0}. Fix the YAML syntax at this position (check indentation, colons and quotes).", SpecCategory);
    public static readonly DiagnosticDescriptorInfo UnknownKey = new("PG0002", "Unknown key", Severity.Error,
        "Unknown key '{0}' in '{1}'.{2} Allowed keys: {3}.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo InvalidValue = new("PG0003", "Invalid value", Severity.Error,
        "Invalid value for '{0}': {1}", SpecCategory);
    public static readonly DiagnosticDescriptorInfo MissingKey = new("PG0004", "Missing required key", Severity.Error,
        "Missing required key '{0}' in '{1}'. Add it, for example: {2}", SpecCategory);
    public static readonly DiagnosticDescriptorInfo UnsupportedVersion = new("PG0005", "Unsupported spec version", Severity.Error,
        "Spec version '{0}' is not supported by this PipelineGen; supported: {1}. Set 'version: 1' or upgrade the PipelineGen package.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo DuplicatePipelineName = new("PG0006", "Duplicate pipeline name", Severity.Error,
        "Pipeline name '{0}' is also used by '{1}'. Each spec in a project needs a unique 'name' because it names the generated classes.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo InvalidName = new("PG0007", "Invalid pipeline name", Severity.Error,
        "Pipeline name '{0}' cannot name C# classes. Use letters, digits and underscores, starting with a letter (for example 'ChurnModel').", SpecCategory);
    public static readonly DiagnosticDescriptorInfo DuplicateKey = new("PG0008", "Duplicate key", Severity.Error,
        "Key '{0}' appears more than once in '{1}'. Keep one of them.", SpecCategory);

    // PG0010-PG0029: hostile or malformed spec files (size, nesting, characters), caps and name limits.
    public static readonly DiagnosticDescriptorInfo SpecTooLarge = new("PG0010", "Spec file too large", Severity.Error,
        "The spec is larger than {0} bytes (UTF-8); a spec is a short settings file. Is this the right file? Remove the text from this position on, or point the build at the real spec.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo NestingTooDeep = new("PG0011", "Nesting too deep", Severity.Error,
        "The spec nests lists and mappings more than {0} levels deep here; no spec setting needs more than a few levels. Remove the extra '[', '{{', '- ' or indentation levels.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo InvalidCharacter = new("PG0012", "Character not allowed in a spec", Severity.Error,
        "The spec contains {0} at this position, which YAML does not allow in a document.{1}", SpecCategory);
    public static readonly DiagnosticDescriptorInfo TabIndentation = new("PG0013", "Tab used for indentation", Severity.Error,
        "A tab is used for indentation here; YAML does not allow tabs for indentation. Indent with spaces.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo UnicodeSpace = new("PG0014", "Non-ASCII space", Severity.Error,
        "The spec has {0} here, which YAML does not treat as a space (it becomes part of a name or value). Replace it with an ordinary space.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo TooManyDiagnostics = new("PG0015", "Too many diagnostics", Severity.Error,
        "{0} more diagnostic(s) for this spec are not shown (only the first {1} are). Fix the ones shown and build again.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo PipelineNameCaseClash = new("PG0016", "Pipeline names differ only in case", Severity.Error,
        "Pipeline name '{0}' differs only in case from '{1}' in '{2}'. Generated file names are case-insensitive, so each spec in a project needs a name that differs by more than case.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo NameTooLong = new("PG0017", "Pipeline name too long", Severity.Error,
        "Pipeline name '{0}' is {1} characters long; it names generated C# classes and files, so it may be at most {2} characters. Use a shorter name.", SpecCategory);

    // PG01xx: the spec against the data's columns.
    public static readonly DiagnosticDescriptorInfo UnknownColumn = new("PG0101", "Unknown column", Severity.Error,
        "Column '{0}' is not in the data file '{1}'.{2} Columns in the data: {3}.", DataCategory);
    public static readonly DiagnosticDescriptorInfo LabelNotInData = new("PG0102", "Label column not in data", Severity.Error,
        "Label column '{0}' is not in the data file '{1}'.{2} Set 'task.label' to one of: {3}.", DataCategory);
    public static readonly DiagnosticDescriptorInfo LabelAsFeature = new("PG0103", "Label used as a feature", Severity.Error,
        "Column '{0}' is the label and cannot also be a feature: the model would see the answer. Remove it from '{1}'.", DataCategory);
    public static readonly DiagnosticDescriptorInfo IdAsFeature = new("PG0104", "Identifier used as a feature", Severity.Error,
        "Column '{0}' has role '{1}' and cannot also be a feature: identifiers and group keys do not generalise. Remove it from 'data.features' or change its role.", DataCategory);
    public static readonly DiagnosticDescriptorInfo PositiveClassAbsent = new("PG0105", "Positive class not in data", Severity.Error,
        "Positive class '{0}' does not occur in label column '{1}'{2}. Values found: {3}. Set 'task.positive_class' to one of them.", DataCategory);
    public static readonly DiagnosticDescriptorInfo PositiveClassRequired = new("PG0106", "Positive class needed", Severity.Error,
        "Binary label '{0}' has values {1}; say which one is positive with 'task.positive_class'.", DataCategory);
    public static readonly DiagnosticDescriptorInfo LabelClassCount = new("PG0107", "Label does not fit the task", Severity.Error,
        "Label '{0}' has {1} distinct value(s) in the data ({2}) but task kind '{3}' needs {4}. {5}", DataCategory);
    public static readonly DiagnosticDescriptorInfo RareLabelClass = new("PG0111", "Label class in only a handful of rows", Severity.Warning,
        "Label '{0}': {1} {2} in only a handful of rows{3} beside classes of {4} rows or more: a typo or a stray code more often than a class, and too small to learn or to measure if real. Correct the typo in {5} (and the test file), write it as the class it means, or remove those rows; if it is a real class, collect more rows of it.", DataCategory);
    public static readonly DiagnosticDescriptorInfo LabelValueOnlyInTest = new("PG0112", "Label value only in the test file", Severity.Warning,
        "Label '{0}' has {1} in the test file {2} that the training file {3} does not have{4}: the model cannot predict {5}, so 'test' will refuse to score the file. Correct the value in the test file (a typo), or add rows of that class to the training file.", DataCategory);
    public static readonly DiagnosticDescriptorInfo TypeOverrideMismatch = new("PG0108", "Column type does not match data", Severity.Warning,
        "Column '{0}' is declared '{1}' but sampled value '{2}' (data line {3}) does not parse as {1}; such values will be read as missing. Fix the data or change the column's 'type'.", DataCategory);
    public static readonly DiagnosticDescriptorInfo NoFeatures = new("PG0109", "No feature columns", Severity.Error,
        "The pipeline has no feature columns: every column is the label, an id, a group or ignored. Give at least one column the 'feature' role.", DataCategory);
    public static readonly DiagnosticDescriptorInfo InvalidColumnRole = new("PG0110", "Invalid role for this column", Severity.Error,
        "{0}", DataCategory);

    // PG0120-PG0129: column names the generated code cannot use.
    public static readonly DiagnosticDescriptorInfo EmptyColumnName = new("PG0120", "Empty column name", Severity.Error,
        "Column {0} of the header of '{1}' has no name, so the pipeline cannot refer to it. Give it a name in the header (or remove the column).", DataCategory);
    public static readonly DiagnosticDescriptorInfo ColumnNameTooLong = new("PG0121", "Column name too long", Severity.Error,
        "Column {0} of '{1}' has a name of {2} bytes (UTF-8), starting '{3}'; names may be at most {4} bytes. Is the header row really a header? Shorten the name in the header.", DataCategory);
    public static readonly DiagnosticDescriptorInfo ReservedColumnName = new("PG0122", "Column name reserved by the pipeline", Severity.Error,
        "Column '{0}' of '{1}' is read as {2}, but the generated ML.NET pipeline creates a column of that name ({3}) before reading it, so it would read the wrong values. Rename the column in the header, or give it 'role: ignore'.", DataCategory);
    // PG0150-PG0159: the column names a spec gives a file without a header ('data.names').
    public static readonly DiagnosticDescriptorInfo NamesWithHeader = new("PG0150", "Column names given for a file with a header", Severity.Error,
        "'data.names' names the columns of a file without a header, but this spec reads the first line as the header. Set 'header: false' if the file has no header, or remove 'names' to use the header's names.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo DuplicateNameInNames = new("PG0151", "Column name given twice", Severity.Error,
        "Column name '{0}' is given twice in 'data.names' (first as column {1}). Give each column its own name.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo InvalidNameInNames = new("PG0152", "Unusable column name", Severity.Error,
        "'{0}' in 'data.names' cannot name a column: {1}. Use a name with letters or digits, e.g. 'fixed_acidity'.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo NamesCountMismatch = new("PG0153", "Column names do not match the data", Severity.Error,
        "'data.names' lists {0} column name(s) but the first row of '{1}' has {2} field(s). List one name per field, in the file's order.", DataCategory);

    // PG0130-PG0139: hostile data paths and files (found by the build tool, reported by the generator; the tool also reports
    // PG0134 itself when it cannot write its output).
    public static readonly DiagnosticDescriptorInfo DataOutsideProject = new("PG0130", "Data file outside the project", Severity.Warning,
        "Data file '{0}' resolves to '{1}', outside the project folder '{2}'. A build reads whatever a spec names: keep data inside the project (or a link you control), or set the MSBuild property PipelineGenAllowDataOutsideProject=true to accept it silently; with PipelineGenAllowDataOutsideProject=false this is an error and the file is not read.", DataCategory);
    public static readonly DiagnosticDescriptorInfo DataPathNotAFile = new("PG0131", "Data path is not a regular file", Severity.Error,
        "Data file '{0}' ('{1}') cannot be used: {2}.", DataCategory);
    public static readonly DiagnosticDescriptorInfo InvalidDataPath = new("PG0132", "Invalid data path", Severity.Error,
        "Data path '{0}' {1}. Write the path to a CSV or TSV file, relative to the spec's folder.", DataCategory);
    public static readonly DiagnosticDescriptorInfo DataLineTooLong = new("PG0133", "Data line too long", Severity.Warning,
        "Line {0} is longer than {1} characters; the build stops reading the file here and infers the schema from the rows before it. Check the separator and the line endings (a file with no line breaks is one long line).", DataCategory);
    public static readonly DiagnosticDescriptorInfo BuildOutputNotWritable = new("PG0134", "Build output cannot be written", Severity.Error,
        "PipelineGen cannot write '{0}': {1}. Free disk space or make the folder writable (or set PipelineGenIntermediateOutputPath to a writable folder), then build again.", "PipelineGen.Build");

    // PG02xx: model, metric, tuning.
    public static readonly DiagnosticDescriptorInfo UnknownTrainer = new("PG0201", "Unknown trainer", Severity.Error,
        "Unknown trainer '{0}'.{1} Trainers for {2}: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo TrainerNotForTask = new("PG0202", "Trainer does not fit the task", Severity.Error,
        "Trainer '{0}' cannot be used for a {1} task. Trainers for {1}: {2}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo UnknownHyperparameter = new("PG0203", "Unknown hyperparameter", Severity.Error,
        "Trainer '{0}' has no hyperparameter '{1}'.{2} Its hyperparameters: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo HyperparameterOutOfRange = new("PG0204", "Hyperparameter out of range", Severity.Error,
        "Hyperparameter '{0}' of trainer '{1}' must be {2}; got {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo MetricNotForTask = new("PG0205", "Metric does not fit the task", Severity.Error,
        "Metric '{0}' does not apply to a {1} task.{2} Metrics for {1}: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo EmptyRange = new("PG0206", "Empty or inverted search range", Severity.Error,
        "Search range for '{0}' is empty or inverted ({1}). Give 'min' < 'max', or a non-empty 'values' list.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo ProtocolSettingIgnored = new("PG0207", "Setting has no effect", Severity.Warning,
        "'{0}' has no effect with protocol '{1}'. {2}", ModelCategory);
    public static readonly DiagnosticDescriptorInfo CapacitySettingIgnored = new("PG0320", "Capacity setting has no effect", Severity.Warning,
        "'model.capacity: {0}' has no effect: trainer '{1}' has no capacity knob (trees, iterations) for the capacity curve to grow. Remove 'capacity', or use a tree or iterative trainer.", ModelCategory);

    // PG0330-PG0349: the evaluation report and the decision threshold.
    public static readonly DiagnosticDescriptorInfo ThresholdNotBinary = new("PG0330", "Threshold only applies to binary tasks", Severity.Warning,
        "'task.threshold' only applies to binary tasks (a cut-off on the positive class's probability); a {0} model has no positive class, so it is ignored. Remove 'threshold'.", ModelCategory);

    // PG0210-PG0229: tuning and the lock file that pins its winner.
    public static readonly DiagnosticDescriptorInfo SearchSpaceOnePoint = new("PG0210", "Search space has nothing to choose", Severity.Error,
        "The search space under 'tune.space' {0}, so 'tune' has nothing to choose. Widen a range or list more 'values'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockFileInvalid = new("PG0211", "Lock file unreadable", Severity.Error,
        "The lock file cannot be used: {0} It is written by 'tune'; run 'tune' again, or delete the file to use the spec's own hyperparameters.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockTrainerMismatch = new("PG0212", "Lock file is for another trainer", Severity.Error,
        "The lock file pins trainer '{0}' but the spec's trainer is '{1}', so its values do not apply. Run 'tune' again, or delete the lock file.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockUnknownHyperparameter = new("PG0213", "Lock file pins an unknown hyperparameter", Severity.Error,
        "The lock file pins '{0}', which trainer '{1}' does not have (its hyperparameters: {2}). Run 'tune' again, or delete the lock file.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockValueOutOfRange = new("PG0214", "Lock file value outside the declared range", Severity.Error,
        "The lock file pins {0} = {1}, outside {2}. The spec changed since the study; run 'tune' again, or delete the lock file.", ModelCategory);

    // PG0215-PG0229: conditional spaces (the trainer searched), preparation choices, and the lock file pinning them.
    public static readonly DiagnosticDescriptorInfo UnknownSearchedTrainer = new("PG0215", "Unknown trainer in the search space", Severity.Error,
        "'tune.trainers' names trainer '{0}', which does not exist.{1} Trainers for {2}: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo SearchedTrainerNotForTask = new("PG0216", "Searched trainer does not fit the task", Severity.Error,
        "'tune.trainers' names trainer '{0}', which cannot be used for a {1} task. Trainers for {1}: {2}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo UnknownSearchedHyperparameter = new("PG0217", "Unknown hyperparameter for the searched trainer", Severity.Error,
        "Trainer '{0}' (under 'tune.trainers') has no hyperparameter '{1}'.{2} Its hyperparameters: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo SpaceAndTrainers = new("PG0218", "Both a flat space and searched trainers", Severity.Error,
        "'tune.space' searches the hyperparameters of model.trainer '{0}' while 'tune.trainers' searches the trainer itself; give one. Move these ranges under 'tune.trainers.{0}'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo PreparationChoiceNoEffect = new("PG0219", "Preparation choice has no effect", Severity.Warning,
        "'tune.prepare.{0}' changes nothing for this data: {1}. It is left out of the search; remove it.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockPreparationInvalid = new("PG0220", "Lock file pins an invalid preparation choice", Severity.Error,
        "The lock file pins prepare.{0} = {1}, but {2}. Run 'tune' again, or delete the lock file.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockTrainerNotSearched = new("PG0221", "Lock file trainer is no longer searched", Severity.Error,
        "The lock file pins trainer '{0}', which 'tune.trainers' no longer searches (it searches {1}). Run 'tune' again, or delete the lock file.", ModelCategory);
    // PG0222-PG0229: tune.ensemble / tune.honest and the ensemble block of the lock file.
    // PG0222 once refused multiclass ensembles; they are built now, and the id reports the one metric selection cannot score.
    public static readonly DiagnosticDescriptorInfo TuneEnsembleMetric = new("PG0222", "Tuning ensemble cannot score this metric", Severity.Error,
        "'tune.ensemble: true' asks for a greedy ensemble of the best trials, chosen by the metric on their out-of-fold predictions; the metric is {0}, which ensemble selection does not compute. Tune on auc (tune.metric: auc), or set 'tune.ensemble: false'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo TuneEnsembleNotExportable = new("PG0227", "Tuning ensemble cannot be exported to ONNX", Severity.Warning,
        "'tune.ensemble: true' keeps a blend of several models, which cannot be exported to ONNX, and 'deploy.onnx: true' asks for an export after training: the build's export would fail. Set 'tune.ensemble: false' (the default when deploy.onnx is on), or remove 'deploy.onnx'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo TuneOuterFoldsUnused = new("PG0223", "tune.outer_folds does nothing", Severity.Warning,
        "'tune.outer_folds: {0}' does nothing: it is the number of outer folds of nested cross-validation, and 'tune.honest' is '{1}'. Set 'tune.honest: nested', or remove 'tune.outer_folds'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockFileOtherPipeline = new("PG0232", "Lock file is for another pipeline", Severity.Warning,
        "The lock file names pipeline '{0}', but this spec is '{1}': it was copied from another project, or the spec was renamed since tune wrote it. Its values are still pinned (they fit this spec), but its study measured the other pipeline, so no card claims that study's scores for this model. Run tune for this spec, or delete the lock file.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo TuneHalvingBudgetUnused = new("PG0231", "tune.halving_budget does not apply", Severity.Warning,
        "'tune.halving_budget: {0}' {1}. Remove it, or {2}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockEnsembleUnknownParameter = new("PG0224", "Lock file ensemble member pins an unknown setting", Severity.Error,
        "Ensemble member {0} in the lock file pins '{1}', which {2}. Run 'tune --ensemble' again, or delete the lock file's 'ensemble' block.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockEnsembleValueOutOfRange = new("PG0225", "Lock file ensemble member value outside the search space", Severity.Error,
        "Ensemble member {0} in the lock file pins {1} = {2}, outside {3}. Run 'tune --ensemble' again, or delete the lock file's 'ensemble' block.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo LockEnsembleInvalid = new("PG0226", "Lock file ensemble block unreadable", Severity.Error,
        "The lock file's 'ensemble' block cannot be read: {0}. Run 'tune --ensemble' again, or delete the block.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo TuneStorageInSpec = new("PG0230", "Tuning storage in the spec", Severity.Error,
        "'{0}' is not a spec key: the shared tuning storage is given to 'tune --storage' or the PIPELINEGEN_TUNE_STORAGE environment variable, never the spec, because a connection string may hold a password and a spec is committed. Remove it.", ModelCategory);
    // PG03xx: the data files (found by the build tool, reported by the generator).
    public static readonly DiagnosticDescriptorInfo DataFileNotFound = new("PG0301", "Data file not found", Severity.Error,
        "Data file '{0}' was not found (looked at '{1}'). Paths are relative to the spec's folder; fix the path or add the file.", DataCategory);
    public static readonly DiagnosticDescriptorInfo DataFileUnreadable = new("PG0302", "Data file unreadable or empty", Severity.Error,
        "Data file '{0}' cannot be used: {1}", DataCategory);
    public static readonly DiagnosticDescriptorInfo RaggedRow = new("PG0303", "Ragged data row", Severity.Error,
        "Row has {0} fields but the header has {1}. Fix the row (a separator inside an unquoted value? a missing field?) or set 'data.bad_rows: skip'.", DataCategory);
    public static readonly DiagnosticDescriptorInfo DuplicateHeader = new("PG0304", "Duplicate column name", Severity.Error,
        "Column name '{0}' appears more than once in the header of '{1}' (columns {2} and {3}). Rename one of them.", DataCategory);
    public static readonly DiagnosticDescriptorInfo SchemaNotInferred = new("PG0305", "Data schema not inferred yet", Severity.Warning,
        "The data schema for this spec has not been inferred yet, so no pipeline code was generated. Build the project (design-time builds do not read data).", DataCategory);
    public static readonly DiagnosticDescriptorInfo TestHeaderMismatch = new("PG0306", "Test data has different columns", Severity.Error,
        "Test data file '{0}' has columns that differ from the training data: {1}. Both files need the same header.", DataCategory);
    public static readonly DiagnosticDescriptorInfo UnbalancedQuote = new("PG0307", "Unbalanced quote", Severity.Error,
        "A quoted value starting here is never closed (nor on the next 50 lines, which a value with line breaks inside may span). Close the quote or escape it by doubling (\"\"), or set 'data.bad_rows: skip'.", DataCategory);

    public static readonly DiagnosticDescriptorInfo QuotedLineBreak = new("PG0308", "Quoted value spanning lines does not make one row", Severity.Error,
        "The quoted value starting here is closed on line {0}, but the lines from here to there do not read as one row of {1} fields (a separator or a quote missing or extra?), so each is read as a row of its own. Check the quotes and separators on those lines of '{2}' (double a literal quote inside a quoted value: \"\"), or set 'data.bad_rows: skip' to leave such rows out.", DataCategory);

    public static readonly DiagnosticDescriptorInfo HeaderRepeated = new("PG0309", "Header row repeated in the data", Severity.Error,
        "This row of '{0}' repeats the header (line {1}): files joined with their headers? Read as data it would put the column names among the values (a number column would turn categorical, the label would gain a class). Delete the line, or set 'data.bad_rows: skip' to leave such rows out.", DataCategory);

    // PG014x: how values are read (the shared reading of src/Shared, found by the build tool, reported by the generator).
    public static readonly DiagnosticDescriptorInfo NumbersWithJunk = new("PG0140", "Numeric column has values that are not numbers", Severity.Warning,
        "Column '{0}' holds numbers ({1} in the sample) except for {2} value(s) that are not: {3}. It was inferred as categorical, so every distinct number becomes a category of its own. To read it as numbers, declare it under 'data.columns' ('{0}: {{ type: numeric }}': values that are not numbers are then read as missing and counted), or add such a token to 'data.columns.{0}.missing_values' (this column only) or 'data.missing_values' (every column); if it really is a category, declare 'type: categorical' to silence this.", DataCategory);
    public static readonly DiagnosticDescriptorInfo DateFormatNotDateTime = new("PG0141", "Date format on a column that is not a date", Severity.Error,
        "'data.columns.{0}.format' applies to datetime columns only; '{0}' is {1}. Declare 'type: datetime' if the column holds dates, or remove 'format'.", SpecCategory);
    public static readonly DiagnosticDescriptorInfo InvalidDateFormat = new("PG0142", "Invalid date format", Severity.Error,
        "'{0}' is not a usable date format for column '{1}': {2}. Write a .NET custom date and time format such as 'dd/MM/yyyy', 'dd.MM.yyyy HH:mm' or 'yyyyMMdd' (d day, M month, y year, H hour, m minute, s second; literal letters quoted, as in yyyy-MM-dd'T'HH:mm).", SpecCategory);
    public static readonly DiagnosticDescriptorInfo AmbiguousDates = new("PG0143", "Dates read either way", Severity.Warning,
        "Column '{0}' has dates such as '{1}' that read either way: without a format they are read month-first ({2}), not day-first ({3}), and no sampled value settles the order. If the file is day-first, declare 'format: {4}' under data.columns.{0}; if it is month-first, declare 'format: {5}' to say so.", DataCategory);
    public static readonly DiagnosticDescriptorInfo NumericDatesAsCategories = new("PG0145", "Dates read as categories", Severity.Warning,
        "Column '{0}' holds dates written as numbers (such as '{1}'); it was inferred categorical, so each date is a category of its own and no calendar feature is learned. To read it as dates, declare '{0}: {{ type: datetime, format: {2} }}' under data.columns{3}; if it really is a category, declare 'type: categorical' to silence this.", DataCategory);
    public static readonly DiagnosticDescriptorInfo NumbersInAnotherNotation = new("PG0146", "Numbers written with a decimal comma or thousands separator", Severity.Warning,
        "Column '{0}' holds numbers written {1} ({2} of its {3} sampled values, such as {4}). Numbers are read only with '.' as the decimal point and no thousands separator, so it was inferred as categorical: every distinct number becomes a category of its own, and the model learns nothing from their order or size ('type: numeric' would read these values as missing). Convert the column in the data file (e.g. '7,25' to 7.25, '1,234.5' to 1234.5) and rebuild; if it really is a category, declare '{0}: {{ type: categorical }}' under 'data.columns' to silence this.", DataCategory);
    public static readonly DiagnosticDescriptorInfo DayFirstDates = new("PG0144", "Dates are day-first", Severity.Warning,
        "Column '{0}' has the date '{1}', which reads only day-first, but without a format numeric dates are read month-first: such rows are bad rows and the others are read with day and month swapped. Declare 'format: {2}' under data.columns.{0}.", DataCategory);

    // PG040x: quality gates (the spec's 'gates' section); PG041x: reported by 'train' when a gate fails or a model is not promoted.
    public static readonly DiagnosticDescriptorInfo GateMetricNotForTask = new("PG0400", "Gate metric does not fit the task", Severity.Error,
        "Gate metric '{0}' does not fit {1}.{2} Use one of: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo GateDirectionMismatch = new("PG0401", "Gate threshold against the metric's direction", Severity.Error,
        "'{0}: {1}' on {2}, where {3} is better: a gate on it is '{4}: {1}'. Use '{4}'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo GateThresholdCount = new("PG0402", "Gate needs exactly one threshold", Severity.Error,
        "This gate {0}. Give exactly one of 'min' (higher is better), 'max' (lower is better) or 'min_improvement' (over the baseline).", ModelCategory);
    public static readonly DiagnosticDescriptorInfo GateUnknownClass = new("PG0403", "Gate names a class the label does not have", Severity.Error,
        "Gate class '{0}' {1}. Name one of the label's values: {2}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo GateUnknownColumn = new("PG0404", "Gate group column unknown", Severity.Error,
        "Gate group column '{0}' {1}.{2} Columns: {3}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo GateThresholdOutOfRange = new("PG0405", "Gate threshold outside the metric's range", Severity.Error,
        "Gate threshold {0} for {1} {2}. Give a threshold the metric can reach.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo GateFailed = new("PG0410", "Quality gate failed", Severity.Error,
        "{0}. The model is kept as candidate version {1}; the current model is unchanged.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo PromotionRefused = new("PG0411", "New model not promoted", Severity.Error,
        "The new model (version {0}) is worse than the current one ({1}): {2} It is kept as a candidate; 'models promote {0} --reason ...' makes it current anyway.", ModelCategory);
    // PG0520-PG0539: deployability when the spec asks for ONNX ('deploy.onnx: true'), checked before anyone trains.
    public static readonly DiagnosticDescriptorInfo OnnxDateTimeFeature = new("PG0520", "Date-time feature cannot be exported to ONNX", Severity.Error,
        "Column '{0}' is a datetime feature, and ML.NET's ONNX exporter has no date-time type, so 'deploy.onnx: true' cannot export this pipeline. Give the column 'role: ignore', declare it 'type: text' or 'type: categorical', or split it into numeric columns (hour, day of week) in the data.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo OnnxModelImputer = new("PG0521", "Model-based imputation cannot be exported to ONNX", Severity.Error,
        "Column '{0}' is filled by a model ('missing: model'), which has no ONNX form, so 'deploy.onnx: true' cannot export this pipeline. Use 'missing: median' or 'missing: mean'.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo OnnxTrainerNotExportable = new("PG0522", "Trainer cannot be exported to ONNX", Severity.Error,
        "Trainer '{0}' (or the step that makes its class probabilities) has no ONNX converter in ML.NET, so 'deploy.onnx: true' cannot export this pipeline. Choose an exportable trainer: {1}.", ModelCategory);
    // PG0523-PG0524: reported by 'export onnx --if-requested', which the build runs after training (-p:PipelineGenTrain=true),
    // located at 'deploy.onnx'; the texts are written by PipelineGen.Export/LocatedExportErrors.cs (which cannot reference this assembly).
    public static readonly DiagnosticDescriptorInfo OnnxParityFailed = new("PG0523", "ONNX model disagrees with ML.NET", Severity.Error,
        "The exported ONNX model disagrees with ML.NET on {0} value(s) of {1} parity rows (first: {2}; tolerance {3}), so it must not be deployed. The file {4} is kept for inspection; see the rows listed above.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo OnnxExportFailed = new("PG0524", "Model could not be exported to ONNX", Severity.Error,
        "The model could not be exported to ONNX: {0}", ModelCategory);

    // PG0600-PG0619: the dense network trainer ('model.trainer: dense'): its list and word hyperparameters and what it cannot do.
    public static readonly DiagnosticDescriptorInfo DenseLayerSize = new("PG0600", "Dense layer width out of range", Severity.Error,
        "Layer {0} of 'layers' has width {1}; every hidden layer needs a whole number of units from 1 to {2}. Give it a width such as 32, or remove it.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseLayersEmpty = new("PG0601", "Dense network without hidden layers", Severity.Error,
        "'layers' is empty; list the hidden layers' widths, input side first (for example [64, 32]), or remove the key for the default [64, 32].", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseUnknownActivation = new("PG0602", "Unknown dense activation", Severity.Error,
        "Activation '{0}' is not known.{1} Activations: {2}.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseLayersAndUnits = new("PG0603", "Dense layers given twice", Severity.Error,
        "'layers' and '{0}' both describe the hidden layers; keep 'layers' (any widths) or 'units' with 'depth' (equal widths), not both.", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseParamNotSearchable = new("PG0604", "Dense hyperparameter cannot be searched", Severity.Error,
        "'{0}' of trainer 'dense' is {1}, which tune cannot search; {2}", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseNotOnnxExportable = new("PG0605", "Dense network could not be joined to the ONNX export", Severity.Error,
        "The dense network could not be joined to the exported preparation: {0}", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseBatchLargerThanData = new("PG0606", "Dense batch larger than the data", Severity.Error,
        "batch_size {0} is larger than the {1} rows of the training data, and the network refuses a batch larger than its training rows (fewer still remain once the evaluation's folds and the early-stopping share are held out). Lower batch_size (16-128 is usual).", ModelCategory);
    public static readonly DiagnosticDescriptorInfo DenseUnknownSchedule = new("PG0607", "Unknown dense learning-rate schedule", Severity.Error,
        "Schedule '{0}' is not known.{1} Schedules: {2} (constant keeps learning_rate every step; cosine warms up over the first epoch, then decays to 5% of it).", ModelCategory);

    // PG90xx: the build integration (reported by the MSBuild tasks and targets, which cannot reference this assembly;
    // listed here so every id is unique, documented and tracked).
    public static readonly DiagnosticDescriptorInfo ToolNotFound = new("PG9001", "Build tool not found", Severity.Error,
        "The PipelineGen build tool was not found at '{0}'. Restore the PipelineGen package again, or set PipelineGenToolAssembly to the tool's path.", "PipelineGen.Build");
    public static readonly DiagnosticDescriptorInfo ToolFailed = new("PG9002", "Build tool failed", Severity.Error,
        "PipelineGen could not infer the data schema for {0}: {1}", "PipelineGen.Build");
    public static readonly DiagnosticDescriptorInfo TrainingInBuildFailed = new("PG9003", "Training in the build failed", Severity.Error,
        "PipelineGen: training failed ('{0}' exited with code {1}); see its output above. Exit code 2 means bad input (data or spec); fix it and build again, or build without -p:PipelineGenTrain=true.", "PipelineGen.Build");

    // PG9xxx: PipelineGen itself.
    public static readonly DiagnosticDescriptorInfo InternalError = new("PG9999", "PipelineGen internal error", Severity.Error,
        "PipelineGen failed while {0} this spec: {1}. This is a PipelineGen bug; please report it with the spec.", "PipelineGen");

    public static IReadOnlyList<DiagnosticDescriptorInfo> All { get; } = typeof(SpecDiagnostics)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptorInfo))
        .Select(f => (DiagnosticDescriptorInfo)f.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToArray();

    public static DiagnosticDescriptorInfo? Find(string id) => All.FirstOrDefault(d => d.Id == id);
}
