using System.Globalization;

namespace PipelineGen.Runtime.Networks;

/// <summary>Rejects bad options and data before training, with a message that says where and what to do.</summary>
internal static class DenseInputCheck
{
    public static void Options(DenseOptions o, DenseDataset training)
    {
        if (o.Layers is null)
            throw new DenseTrainingException("layers is missing: give the hidden layer widths, e.g. [64, 32] (an empty list trains a linear model).");
        for (var i = 0; i < o.Layers.Length; i++)
            if (o.Layers[i] <= 0)
                throw new DenseTrainingException(
                    $"layers[{i}] is {o.Layers[i]}: every hidden layer needs at least 1 unit; remove the entry or give it a positive width.");
        if (!(o.Dropout >= 0 && o.Dropout < 1))
            throw new DenseTrainingException(Invariant($"dropout is {o.Dropout}: it must be in [0, 1) (0 = no dropout)."));
        if (!(o.L2 >= 0) || double.IsInfinity(o.L2))
            throw new DenseTrainingException(Invariant($"l2 is {o.L2}: the weight decay must be a finite number >= 0."));
        if (!(o.LearningRate > 0) || double.IsInfinity(o.LearningRate))
            throw new DenseTrainingException(Invariant($"learning_rate is {o.LearningRate}: it must be a finite number > 0 (1e-3 is the usual start for Adam)."));
        if (o.L2 * o.LearningRate >= 1)
            throw new DenseTrainingException(Invariant($"l2 x learning_rate is {o.L2 * o.LearningRate}: decoupled weight decay multiplies the weights by 1 - l2 x learning_rate each step, which must stay positive; lower l2."));
        if (o.Epochs < 1)
            throw new DenseTrainingException($"epochs is {o.Epochs}: train at least 1 epoch.");
        if (o.BatchSize < 1)
            throw new DenseTrainingException($"batch_size is {o.BatchSize}: it must be at least 1.");
        if (training.Rows == 0)
            throw new DenseTrainingException("The training data has no rows.");
        // An error, not a silent clamp: a batch as large as the data is plain gradient descent, which changes what
        // epochs and learning_rate mean; the user should choose that knowingly.
        if (o.BatchSize > training.Rows)
            throw new DenseTrainingException(
                $"batch_size is {o.BatchSize} but the training data has only {training.Rows} rows: lower batch_size to at most {training.Rows} (or add data).");
        if (o.EarlyStopping < 0)
            throw new DenseTrainingException($"early_stopping is {o.EarlyStopping}: give a patience in epochs, or 0 to turn it off.");
    }

    public static void Data(DenseDataset data, DenseLoss loss, string which, bool requireAllClasses)
    {
        var features = data.Features;
        var width = data.FeatureCount;
        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
                throw new DenseTrainingException(
                    $"The {which} data has {(float.IsNaN(features[i]) ? "NaN" : "an infinite value")} at row {i / width + 1}, feature column {i % width + 1}: impute or drop missing values before the network (it cannot learn from NaN/Inf).");
        }
        switch (loss)
        {
            case DenseLoss.BinaryLogistic:
            {
                bool zero = false, one = false;
                for (var r = 0; r < data.Rows; r++)
                {
                    var y = data.Target(r);
                    if (y == 0f) zero = true;
                    else if (y == 1f) one = true;
                    else throw new DenseTrainingException(Invariant($"The {which} data's label at row {r + 1} is {y}: a binary network needs labels 0 or 1."));
                }
                if (requireAllClasses && !(zero && one))
                    throw new DenseTrainingException(
                        $"The {which} label has a single class (every row is {(one ? 1 : 0)}): a binary classifier needs both 0 and 1 rows; check the label column or the row filter.");
                break;
            }
            case DenseLoss.Softmax:
            {
                if (data.Classes < 2)
                    throw new DenseTrainingException($"A softmax network needs at least 2 classes; the {which} data declares {data.Classes}.");
                var seen = new bool[data.Classes];
                var distinct = 0;
                for (var r = 0; r < data.Rows; r++)
                {
                    var y = data.Target(r);
                    if (!(y >= 0 && y < data.Classes && y == MathF.Floor(y)))
                        throw new DenseTrainingException(Invariant($"The {which} data's label at row {r + 1} is {y}: a softmax network needs a class index 0..{data.Classes - 1}."));
                    if (!seen[(int)y]) { seen[(int)y] = true; distinct++; }
                }
                if (requireAllClasses && distinct < 2)
                    throw new DenseTrainingException(
                        $"The {which} label has a single class (every row is class {Array.IndexOf(seen, true)}): a classifier needs at least two classes; check the label column or the row filter.");
                break;
            }
            default:
                for (var r = 0; r < data.Rows; r++)
                    if (!float.IsFinite(data.Target(r)))
                        throw new DenseTrainingException($"The {which} data's target at row {r + 1} is {(float.IsNaN(data.Target(r)) ? "NaN" : "infinite")}: drop rows without a target.");
                break;
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
