using Microsoft.CodeAnalysis;

namespace PipelineGen.Generator;

/// <summary>
/// The Roslyn descriptor of every PG id, written out with constant ids, categories and severities so the release-tracking
/// analyzers (RS2000-RS2008) can check them against <c>PipelineGen.Spec/AnalyzerReleases.*.md</c>: a new id, a changed
/// category or a changed default severity is a build warning until the release files say so.
/// </summary>
/// <remarks>
/// The ids, titles, categories and severities are <c>SpecDiagnostics</c>' (the one source); <c>DiagnosticDescriptorTests</c>
/// fails when this table and that one differ. Fields (release tracking reads only descriptors assigned to fields) in a
/// class touched only when a diagnostic is reported, so a build without diagnostics never builds them. The message is
/// formatted by the spec library ("{0}")..
/// </remarks>
public static class DiagnosticDescriptors
{
    public static readonly DiagnosticDescriptor PG0001 = new DiagnosticDescriptor("PG0001", "Invalid YAML", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0001"));
    public static readonly DiagnosticDescriptor PG0002 = new DiagnosticDescriptor("PG0002", "Unknown key", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0002"));
    public static readonly DiagnosticDescriptor PG0003 = new DiagnosticDescriptor("PG0003", "Invalid value", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0003"));
    public static readonly DiagnosticDescriptor PG0004 = new DiagnosticDescriptor("PG0004", "Missing required key", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0004"));
    public static readonly DiagnosticDescriptor PG0005 = new DiagnosticDescriptor("PG0005", "Unsupported spec version", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0005"));
    public static readonly DiagnosticDescriptor PG0006 = new DiagnosticDescriptor("PG0006", "Duplicate pipeline name", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0006"));
    public static readonly DiagnosticDescriptor PG0007 = new DiagnosticDescriptor("PG0007", "Invalid pipeline name", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0007"));
    public static readonly DiagnosticDescriptor PG0008 = new DiagnosticDescriptor("PG0008", "Duplicate key", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0008"));
    public static readonly DiagnosticDescriptor PG0010 = new DiagnosticDescriptor("PG0010", "Spec file too large", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0010"));
    public static readonly DiagnosticDescriptor PG0011 = new DiagnosticDescriptor("PG0011", "Nesting too deep", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0011"));
    public static readonly DiagnosticDescriptor PG0012 = new DiagnosticDescriptor("PG0012", "Character not allowed in a spec", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0012"));
    public static readonly DiagnosticDescriptor PG0013 = new DiagnosticDescriptor("PG0013", "Tab used for indentation", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0013"));
    public static readonly DiagnosticDescriptor PG0014 = new DiagnosticDescriptor("PG0014", "Non-ASCII space", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0014"));
    public static readonly DiagnosticDescriptor PG0015 = new DiagnosticDescriptor("PG0015", "Too many diagnostics", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0015"));
    public static readonly DiagnosticDescriptor PG0016 = new DiagnosticDescriptor("PG0016", "Pipeline names differ only in case", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0016"));
    public static readonly DiagnosticDescriptor PG0017 = new DiagnosticDescriptor("PG0017", "Pipeline name too long", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0017"));
    public static readonly DiagnosticDescriptor PG0101 = new DiagnosticDescriptor("PG0101", "Unknown column", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0101"));
    public static readonly DiagnosticDescriptor PG0102 = new DiagnosticDescriptor("PG0102", "Label column not in data", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0102"));
    public static readonly DiagnosticDescriptor PG0103 = new DiagnosticDescriptor("PG0103", "Label used as a feature", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0103"));
    public static readonly DiagnosticDescriptor PG0104 = new DiagnosticDescriptor("PG0104", "Identifier used as a feature", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0104"));
    public static readonly DiagnosticDescriptor PG0105 = new DiagnosticDescriptor("PG0105", "Positive class not in data", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0105"));
    public static readonly DiagnosticDescriptor PG0106 = new DiagnosticDescriptor("PG0106", "Positive class needed", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0106"));
    public static readonly DiagnosticDescriptor PG0107 = new DiagnosticDescriptor("PG0107", "Label does not fit the task", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0107"));
    public static readonly DiagnosticDescriptor PG0108 = new DiagnosticDescriptor("PG0108", "Column type does not match data", "{0}", "PipelineGen.Data", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0108"));
    public static readonly DiagnosticDescriptor PG0109 = new DiagnosticDescriptor("PG0109", "No feature columns", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0109"));
    public static readonly DiagnosticDescriptor PG0110 = new DiagnosticDescriptor("PG0110", "Invalid role for this column", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0110"));
    public static readonly DiagnosticDescriptor PG0120 = new DiagnosticDescriptor("PG0120", "Empty column name", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0120"));
    public static readonly DiagnosticDescriptor PG0121 = new DiagnosticDescriptor("PG0121", "Column name too long", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0121"));
    public static readonly DiagnosticDescriptor PG0122 = new DiagnosticDescriptor("PG0122", "Column name reserved by the pipeline", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0122"));
    public static readonly DiagnosticDescriptor PG0130 = new DiagnosticDescriptor("PG0130", "Data file outside the project", "{0}", "PipelineGen.Data", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0130"));
    public static readonly DiagnosticDescriptor PG0131 = new DiagnosticDescriptor("PG0131", "Data path is not a regular file", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0131"));
    public static readonly DiagnosticDescriptor PG0132 = new DiagnosticDescriptor("PG0132", "Invalid data path", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0132"));
    public static readonly DiagnosticDescriptor PG0133 = new DiagnosticDescriptor("PG0133", "Data line too long", "{0}", "PipelineGen.Data", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0133"));
    public static readonly DiagnosticDescriptor PG0134 = new DiagnosticDescriptor("PG0134", "Build output cannot be written", "{0}", "PipelineGen.Build", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0134"));
    public static readonly DiagnosticDescriptor PG0140 = new DiagnosticDescriptor("PG0140", "Numeric column has values that are not numbers", "{0}", "PipelineGen.Data", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0140"));
    public static readonly DiagnosticDescriptor PG0150 = new DiagnosticDescriptor("PG0150", "Column names given for a file with a header", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0150"));
    public static readonly DiagnosticDescriptor PG0151 = new DiagnosticDescriptor("PG0151", "Column name given twice", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0151"));
    public static readonly DiagnosticDescriptor PG0152 = new DiagnosticDescriptor("PG0152", "Unusable column name", "{0}", "PipelineGen.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0152"));
    public static readonly DiagnosticDescriptor PG0153 = new DiagnosticDescriptor("PG0153", "Column names do not match the data", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0153"));
    public static readonly DiagnosticDescriptor PG0201 = new DiagnosticDescriptor("PG0201", "Unknown trainer", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0201"));
    public static readonly DiagnosticDescriptor PG0202 = new DiagnosticDescriptor("PG0202", "Trainer does not fit the task", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0202"));
    public static readonly DiagnosticDescriptor PG0203 = new DiagnosticDescriptor("PG0203", "Unknown hyperparameter", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0203"));
    public static readonly DiagnosticDescriptor PG0204 = new DiagnosticDescriptor("PG0204", "Hyperparameter out of range", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0204"));
    public static readonly DiagnosticDescriptor PG0205 = new DiagnosticDescriptor("PG0205", "Metric does not fit the task", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0205"));
    public static readonly DiagnosticDescriptor PG0206 = new DiagnosticDescriptor("PG0206", "Empty or inverted search range", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0206"));
    public static readonly DiagnosticDescriptor PG0207 = new DiagnosticDescriptor("PG0207", "Setting has no effect", "{0}", "PipelineGen.Model", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0207"));
    public static readonly DiagnosticDescriptor PG0210 = new DiagnosticDescriptor("PG0210", "Search space has nothing to choose", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0210"));
    public static readonly DiagnosticDescriptor PG0211 = new DiagnosticDescriptor("PG0211", "Lock file unreadable", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0211"));
    public static readonly DiagnosticDescriptor PG0212 = new DiagnosticDescriptor("PG0212", "Lock file is for another trainer", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0212"));
    public static readonly DiagnosticDescriptor PG0213 = new DiagnosticDescriptor("PG0213", "Lock file pins an unknown hyperparameter", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0213"));
    public static readonly DiagnosticDescriptor PG0214 = new DiagnosticDescriptor("PG0214", "Lock file value outside the declared range", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0214"));
    public static readonly DiagnosticDescriptor PG0215 = new DiagnosticDescriptor("PG0215", "Unknown trainer in the search space", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0215"));
    public static readonly DiagnosticDescriptor PG0216 = new DiagnosticDescriptor("PG0216", "Searched trainer does not fit the task", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0216"));
    public static readonly DiagnosticDescriptor PG0217 = new DiagnosticDescriptor("PG0217", "Unknown hyperparameter for the searched trainer", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0217"));
    public static readonly DiagnosticDescriptor PG0218 = new DiagnosticDescriptor("PG0218", "Both a flat space and searched trainers", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0218"));
    public static readonly DiagnosticDescriptor PG0219 = new DiagnosticDescriptor("PG0219", "Preparation choice has no effect", "{0}", "PipelineGen.Model", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0219"));
    public static readonly DiagnosticDescriptor PG0220 = new DiagnosticDescriptor("PG0220", "Lock file pins an invalid preparation choice", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0220"));
    public static readonly DiagnosticDescriptor PG0221 = new DiagnosticDescriptor("PG0221", "Lock file trainer is no longer searched", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0221"));
    public static readonly DiagnosticDescriptor PG0222 = new DiagnosticDescriptor("PG0222", "Tuning ensemble not available for this task", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0222"));
    public static readonly DiagnosticDescriptor PG0223 = new DiagnosticDescriptor("PG0223", "tune.outer_folds does nothing", "{0}", "PipelineGen.Model", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0223"));
    public static readonly DiagnosticDescriptor PG0224 = new DiagnosticDescriptor("PG0224", "Lock file ensemble member pins an unknown setting", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0224"));
    public static readonly DiagnosticDescriptor PG0225 = new DiagnosticDescriptor("PG0225", "Lock file ensemble member value outside the search space", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0225"));
    public static readonly DiagnosticDescriptor PG0226 = new DiagnosticDescriptor("PG0226", "Lock file ensemble block unreadable", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0226"));
    public static readonly DiagnosticDescriptor PG0230 = new DiagnosticDescriptor("PG0230", "Tuning storage in the spec", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0230"));
    public static readonly DiagnosticDescriptor PG0301 = new DiagnosticDescriptor("PG0301", "Data file not found", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0301"));
    public static readonly DiagnosticDescriptor PG0302 = new DiagnosticDescriptor("PG0302", "Data file unreadable or empty", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0302"));
    public static readonly DiagnosticDescriptor PG0303 = new DiagnosticDescriptor("PG0303", "Ragged data row", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0303"));
    public static readonly DiagnosticDescriptor PG0304 = new DiagnosticDescriptor("PG0304", "Duplicate column name", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0304"));
    public static readonly DiagnosticDescriptor PG0305 = new DiagnosticDescriptor("PG0305", "Data schema not inferred yet", "{0}", "PipelineGen.Data", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0305"));
    public static readonly DiagnosticDescriptor PG0306 = new DiagnosticDescriptor("PG0306", "Test data has different columns", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0306"));
    public static readonly DiagnosticDescriptor PG0307 = new DiagnosticDescriptor("PG0307", "Unbalanced quote", "{0}", "PipelineGen.Data", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0307"));
    public static readonly DiagnosticDescriptor PG0320 = new DiagnosticDescriptor("PG0320", "Capacity setting has no effect", "{0}", "PipelineGen.Model", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0320"));
    public static readonly DiagnosticDescriptor PG0330 = new DiagnosticDescriptor("PG0330", "Threshold only applies to binary tasks", "{0}", "PipelineGen.Model", DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0330"));
    public static readonly DiagnosticDescriptor PG0400 = new DiagnosticDescriptor("PG0400", "Gate metric does not fit the task", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0400"));
    public static readonly DiagnosticDescriptor PG0401 = new DiagnosticDescriptor("PG0401", "Gate threshold against the metric's direction", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0401"));
    public static readonly DiagnosticDescriptor PG0402 = new DiagnosticDescriptor("PG0402", "Gate needs exactly one threshold", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0402"));
    public static readonly DiagnosticDescriptor PG0403 = new DiagnosticDescriptor("PG0403", "Gate names a class the label does not have", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0403"));
    public static readonly DiagnosticDescriptor PG0404 = new DiagnosticDescriptor("PG0404", "Gate group column unknown", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0404"));
    public static readonly DiagnosticDescriptor PG0405 = new DiagnosticDescriptor("PG0405", "Gate threshold outside the metric's range", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0405"));
    public static readonly DiagnosticDescriptor PG0410 = new DiagnosticDescriptor("PG0410", "Quality gate failed", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0410"));
    public static readonly DiagnosticDescriptor PG0411 = new DiagnosticDescriptor("PG0411", "New model not promoted", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0411"));
    public static readonly DiagnosticDescriptor PG0520 = new DiagnosticDescriptor("PG0520", "Date-time feature cannot be exported to ONNX", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0520"));
    public static readonly DiagnosticDescriptor PG0521 = new DiagnosticDescriptor("PG0521", "Model-based imputation cannot be exported to ONNX", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0521"));
    public static readonly DiagnosticDescriptor PG0522 = new DiagnosticDescriptor("PG0522", "Trainer cannot be exported to ONNX", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0522"));
    public static readonly DiagnosticDescriptor PG0523 = new DiagnosticDescriptor("PG0523", "ONNX model disagrees with ML.NET", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0523"));
    public static readonly DiagnosticDescriptor PG0524 = new DiagnosticDescriptor("PG0524", "Model could not be exported to ONNX", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0524"));
    public static readonly DiagnosticDescriptor PG0600 = new DiagnosticDescriptor("PG0600", "Dense layer width out of range", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0600"));
    public static readonly DiagnosticDescriptor PG0601 = new DiagnosticDescriptor("PG0601", "Dense network without hidden layers", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0601"));
    public static readonly DiagnosticDescriptor PG0602 = new DiagnosticDescriptor("PG0602", "Unknown dense activation", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0602"));
    public static readonly DiagnosticDescriptor PG0603 = new DiagnosticDescriptor("PG0603", "Dense layers given twice", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0603"));
    public static readonly DiagnosticDescriptor PG0604 = new DiagnosticDescriptor("PG0604", "Dense hyperparameter cannot be searched", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0604"));
    public static readonly DiagnosticDescriptor PG0605 = new DiagnosticDescriptor("PG0605", "Dense network cannot be exported by 'export onnx'", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0605"));
    public static readonly DiagnosticDescriptor PG0606 = new DiagnosticDescriptor("PG0606", "Dense batch larger than the data", "{0}", "PipelineGen.Model", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG0606"));
    public static readonly DiagnosticDescriptor PG9001 = new DiagnosticDescriptor("PG9001", "Build tool not found", "{0}", "PipelineGen.Build", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG9001"));
    public static readonly DiagnosticDescriptor PG9002 = new DiagnosticDescriptor("PG9002", "Build tool failed", "{0}", "PipelineGen.Build", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG9002"));
    public static readonly DiagnosticDescriptor PG9003 = new DiagnosticDescriptor("PG9003", "Training in the build failed", "{0}", "PipelineGen.Build", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG9003"));
    public static readonly DiagnosticDescriptor PG9999 = new DiagnosticDescriptor("PG9999", "PipelineGen internal error", "{0}", "PipelineGen", DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinks.For("PG9999"));

    public static DiagnosticDescriptor? Create(string id) => id switch
    {
        "PG0001" => PG0001,
        "PG0002" => PG0002,
        "PG0003" => PG0003,
        "PG0004" => PG0004,
        "PG0005" => PG0005,
        "PG0006" => PG0006,
        "PG0007" => PG0007,
        "PG0008" => PG0008,
        "PG0010" => PG0010,
        "PG0011" => PG0011,
        "PG0012" => PG0012,
        "PG0013" => PG0013,
        "PG0014" => PG0014,
        "PG0015" => PG0015,
        "PG0016" => PG0016,
        "PG0017" => PG0017,
        "PG0101" => PG0101,
        "PG0102" => PG0102,
        "PG0103" => PG0103,
        "PG0104" => PG0104,
        "PG0105" => PG0105,
        "PG0106" => PG0106,
        "PG0107" => PG0107,
        "PG0108" => PG0108,
        "PG0109" => PG0109,
        "PG0110" => PG0110,
        "PG0120" => PG0120,
        "PG0121" => PG0121,
        "PG0122" => PG0122,
        "PG0130" => PG0130,
        "PG0131" => PG0131,
        "PG0132" => PG0132,
        "PG0133" => PG0133,
        "PG0134" => PG0134,
        "PG0140" => PG0140,
        "PG0150" => PG0150,
        "PG0151" => PG0151,
        "PG0152" => PG0152,
        "PG0153" => PG0153,
        "PG0201" => PG0201,
        "PG0202" => PG0202,
        "PG0203" => PG0203,
        "PG0204" => PG0204,
        "PG0205" => PG0205,
        "PG0206" => PG0206,
        "PG0207" => PG0207,
        "PG0210" => PG0210,
        "PG0211" => PG0211,
        "PG0212" => PG0212,
        "PG0213" => PG0213,
        "PG0214" => PG0214,
        "PG0215" => PG0215,
        "PG0216" => PG0216,
        "PG0217" => PG0217,
        "PG0218" => PG0218,
        "PG0219" => PG0219,
        "PG0220" => PG0220,
        "PG0221" => PG0221,
        "PG0222" => PG0222,
        "PG0223" => PG0223,
        "PG0224" => PG0224,
        "PG0225" => PG0225,
        "PG0226" => PG0226,
        "PG0230" => PG0230,
        "PG0301" => PG0301,
        "PG0302" => PG0302,
        "PG0303" => PG0303,
        "PG0304" => PG0304,
        "PG0305" => PG0305,
        "PG0306" => PG0306,
        "PG0307" => PG0307,
        "PG0320" => PG0320,
        "PG0330" => PG0330,
        "PG0400" => PG0400,
        "PG0401" => PG0401,
        "PG0402" => PG0402,
        "PG0403" => PG0403,
        "PG0404" => PG0404,
        "PG0405" => PG0405,
        "PG0410" => PG0410,
        "PG0411" => PG0411,
        "PG0520" => PG0520,
        "PG0521" => PG0521,
        "PG0522" => PG0522,
        "PG0523" => PG0523,
        "PG0524" => PG0524,
        "PG0600" => PG0600,
        "PG0601" => PG0601,
        "PG0602" => PG0602,
        "PG0603" => PG0603,
        "PG0604" => PG0604,
        "PG0605" => PG0605,
        "PG0606" => PG0606,
        "PG9001" => PG9001,
        "PG9002" => PG9002,
        "PG9003" => PG9003,
        "PG9999" => PG9999,
        _ => null,
    };
}
