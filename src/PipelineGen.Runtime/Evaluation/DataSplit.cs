using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>One training/validation split of the loader's rows.</summary>
internal sealed class DataSplit
{
    private readonly int[] _assignment; // per row: fold id, or -1 for rows left out of every split
    private readonly int _validationFold;

    internal DataSplit(int repeat, int fold, int[] assignment, int validationFold)
    {
        Repeat = repeat;
        Fold = fold;
        _assignment = assignment;
        _validationFold = validationFold;
        foreach (int a in assignment)
        {
            if (a == validationFold) ValidationRowCount++;
            else if (a >= 0) TrainingRowCount++;
        }
    }

    public int Repeat { get; }
    public int Fold { get; }
    /// <summary>Classification (stratified or not): validation rows per class, in <see cref="RowKeys.ClassNames"/> order; null for regression.</summary>
    public IReadOnlyList<long>? ValidationClassCounts { get; internal init; }
    public long TrainingRowCount { get; }
    public long ValidationRowCount { get; }

    public bool IsValidation(long row) => _assignment[row] == _validationFold;
    public bool IsTraining(long row) => _assignment[row] >= 0 && _assignment[row] != _validationFold;

    /// <summary>
    /// The first validation row after <paramref name="row"/> (pass -1 to start): the validation view yields the rows this
    /// split marks in file order, so its n-th row is found by stepping this way. Throws when there is none, because then
    /// a scored view has more rows than the split marks and nothing read from it could be matched to a data row.
    /// </summary>
    public long NextValidationRow(long row)
    {
        do row++; while (row < _assignment.Length && !IsValidation(row));
        if (row >= _assignment.Length) throw new InvalidOperationException("the scored validation part has more rows than the split marks.");
        return row;
    }

    /// <summary>The training rows of <paramref name="data"/> (a view in loader row order), streamed.</summary>
    public IDataView Training(IDataView data) => new RowFilterDataView(data, IsTraining, TrainingRowCount);

    /// <summary>The validation rows of <paramref name="data"/>, streamed.</summary>
    public IDataView Validation(IDataView data) => new RowFilterDataView(data, IsValidation, ValidationRowCount);

    public override string ToString() => $"repeat {Repeat + 1}, fold {Fold + 1}";
}
