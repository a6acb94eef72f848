namespace PipelineGen.Runtime;

/// <summary>
/// How exact-duplicate rows take part in evaluation (the spec's <c>evaluate.duplicates</c>): <c>Group</c> keeps each set of
/// identical rows on one side of every split; <c>Drop</c> evaluates one copy of each set (the others are left out of every
/// split); <c>Keep</c> splits copies as independent rows (they can land on both sides: it leaks, and says so).
/// </summary>
public enum DuplicatePolicy { Group, Drop, Keep }
