using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Generator.Tests.Emit;

/// <summary>evaluate.duplicates and model.capacity reach the runtime settings; a pipeline with training-only augmentation fits at a chosen capacity with its augmentation.</summary>
public class ProtocolEmitTests
{
    [Fact]
    public void Defaults_are_not_written_so_existing_specs_generate_the_same_code()
    {
        var pipeline = GeneratedPipelines.CreateTitanic(Fixtures.TitanicSpec, out var source);
        Assert.Equal(DuplicatePolicy.Group, pipeline.Settings.Evaluation.Duplicates);
        Assert.Equal(CapacityMode.Auto, pipeline.Settings.Capacity);
        Assert.DoesNotContain("Duplicates =", source);
        Assert.DoesNotContain("CapacityMode", source);
        Assert.DoesNotContain("int capacity)\n        {", source); // no BuildPipeline(mlContext, capacity) without augmentation
    }

    [Fact]
    public void Drop_pinned_and_augmentation_are_emitted_and_fit_at_a_chosen_capacity()
    {
        var spec = Fixtures.TitanicSpec
            .Replace("  folds: 3", "  folds: 3\n  duplicates: drop")
            .Replace("  trainer: lightgbm", "  trainer: lightgbm\n  capacity: pinned")
            .Replace("  missing_indicators: true", "  missing_indicators: true\n  augment: { blank_columns: [embarked], fraction: 0.3 }");

        var pipeline = GeneratedPipelines.CreateTitanic(spec, out var source);

        Assert.Equal(DuplicatePolicy.Drop, pipeline.Settings.Evaluation.Duplicates);
        Assert.Equal(CapacityMode.Pinned, pipeline.Settings.Capacity);
        Assert.Contains("BuildPipeline(ML::MLContext mlContext, int capacity)", source);
        var ml = new MLContext(seed: 1);
        var data = pipeline.LoadData(ml, Path.Combine(Fixtures.TestData, "titanic.csv"));
        var model = ((ICapacityAdjustable)pipeline).BuildPipeline(ml, 7).Fit(data);
        Assert.Equal(300, model.Transform(data).GetColumn<float>("Score").Count());
        // The trainer really is built at that capacity (7 trees, read through ML.NET's public model parameters) and the
        // card's description from the settings says so under the spec's name.
        var prepared = pipeline.BuildPreprocessing(ml).Fit(data).Transform(data);
        var fitted = Assert.IsAssignableFrom<IEnumerable<ITransformer>>(((ICapacityAdjustable)pipeline).BuildTrainer(ml, 7).Fit(prepared));
        var scorer = fitted.OfType<IPredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<
            Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>>>().Single();
        Assert.Equal(7, scorer.Model.SubModel.TrainedTreeEnsemble.Trees.Count);
        Assert.Equal("7", TrainerHyperparameters.Describe(pipeline, 7).Hyperparameters["iterations"]);
        Assert.Equal("30", TrainerHyperparameters.Describe(pipeline).Hyperparameters["iterations"]);
    }

    [Fact]
    public void Settings_declare_the_spec_values_and_the_trainer_defaults_by_spec_name()
    {
        var pipeline = GeneratedPipelines.CreateTitanic(Fixtures.TitanicSpec, out _);

        var declared = pipeline.Settings.Hyperparameters!;
        Assert.Equal(PipelineGen.Spec.Catalog.TrainerCatalog.Find("lightgbm")!.Params.Select(p => p.Name), declared.Keys);
        // The spec's leaves/iterations/min_examples_per_leaf; ML.NET's defaults (auto: chosen from the data) for the rest.
        Assert.Equal(("8", "30", "5"), (declared["leaves"], declared["iterations"], declared["min_examples_per_leaf"]));
        Assert.Equal(("auto", "255", "0.01", "1"), (declared["learning_rate"], declared["max_bins"], declared["l2_regularization"], declared["threads"]));
        Assert.Equal("iterations", pipeline.Settings.CapacityHyperparameter);
        Assert.Equal(declared, TrainerHyperparameters.Describe(pipeline).Hyperparameters);
    }
}
