using Microsoft.CodeAnalysis;
using Microsoft.ML;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Cli;
using PipelineGen.Runtime.Training;
using PipelineGen.Runtime.Tuning;
using PipelineGen.Runtime.Tuning.Ensembles;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Tuning;

/// <summary>
/// The ensemble pinned in the lock file is rebuilt by 'train' (the generated code carries its members and weights), and
/// the spec keys tune.ensemble / tune.honest / tune.outer_folds decide what 'tune' does, with CLI flags overriding them.
/// </summary>
public sealed class PinnedEnsembleGenerationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pg-tune-ens-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string EnsembleBlock = """

        ensemble:
          holdback_score: 0.8
          members:
            - trial: 2
              weight: 0.55
              params:
                leaves: 4
                learning_rate: 0.05
                min_examples_per_leaf: 10
            - trial: 3
              weight: 0.45
              params:
                leaves: 24
                learning_rate: 0.3
                min_examples_per_leaf: 2
        """;

    private ITunablePipeline Create(string spec, string? lockText)
    {
        var path = Path.Combine(_dir, "titanic.csv");
        if (!File.Exists(path)) File.Copy(Path.Combine(Fixtures.TestData, "titanic.csv"), path);
        var run = GeneratorHarness.RunWithLock(Path.Combine(_dir, "pipeline.yaml"), spec, Fixtures.TitanicSchema, lockText);
        Assert.Empty(run.GeneratorDiagnostics);
        return (ITunablePipeline)GeneratorHarness.CreatePipeline(GeneratorHarness.Load(run, collectible: true), "MyApp.TunedTitanicPipeline", _dir);
    }

    private static double Auc(ITransformer model, IPipelineDefinition pipeline, string data)
    {
        var ml = new MLContext(1);
        return ml.BinaryClassification.Evaluate(model.Transform(pipeline.LoadData(ml, data))).AreaUnderRocCurve;
    }

    [Fact]
    public void Train_rebuilds_the_pinned_ensemble_as_tune_built_it()
    {
        var unpinned = Create(TuningGenerationTests.TunedSpec, null);
        var pinned = Create(TuningGenerationTests.TunedSpec, TuningGenerationTests.Lock + EnsembleBlock);
        Assert.Equal(2, pinned.PinnedEnsemble.Count);
        Assert.Equal("24", pinned.PinnedEnsemble[1].Values["leaves"]);
        Assert.Empty(unpinned.PinnedEnsemble);

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["train"], pinned, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("Training the ensemble pinned in the lock file (2 members", output.ToString());

        var data = Path.Combine(_dir, "titanic.csv");
        var saved = ModelStore.Load(new MLContext(1), ModelStore.Resolve(ModelStore.DefaultModelPath(pinned.Settings)), out _);
        // What tune --ensemble fits for these members (same code, same data, the pipeline's seed) on the pipeline without the lock.
        var ml = new MLContext(unpinned.Settings.Seed);
        var members = new[]
        {
            new EnsembleMember(1, 0.55, new Configuration { ["leaves"] = 4, ["learning_rate"] = 0.05, ["min_examples_per_leaf"] = 10 }),
            new EnsembleMember(2, 0.45, new Configuration { ["leaves"] = 24, ["learning_rate"] = 0.3, ["min_examples_per_leaf"] = 2 }),
        };
        var tuned = EnsembleBuilder.Fit(unpinned, members, ml, unpinned.LoadData(ml, data));
        double rebuilt = Auc(saved, pinned, data), reference = Auc(tuned, unpinned, data);
        Assert.Equal(reference, rebuilt, 6);

        // Not the single winner the lock also pins: the ensemble path really ran.
        var single = pinned.BuildPipeline(ml).Fit(pinned.LoadData(ml, data));
        Assert.NotEqual(Auc(single, pinned, data), rebuilt, 6);
    }

    // The study's starting trial as members: once with the values it was built with, outside the space (leaves 40 > 32,
    // learning_rate 0.5 > 0.4, min_examples_per_leaf 7 not in [2, 5, 10]), and once as the lock's single winner (no values).
    private const string StartingMemberBlock = """

        ensemble:
          holdback_score: 0.8
          members:
            - trial: 1
              weight: 0.5
              from: spec
              params:
                leaves: 40
                learning_rate: 0.5
                min_examples_per_leaf: 7
            - trial: 2
              weight: 0.3
              from: pinned
              params: {}
            - trial: 3
              weight: 0.2
              params:
                leaves: 24
                learning_rate: 0.3
                min_examples_per_leaf: 2
        """;

    [Fact]
    public void Train_rebuilds_starting_trial_members_with_their_own_values_and_the_single_winner_for_none()
    {
        var unpinned = Create(TuningGenerationTests.TunedSpec, null);
        var pinned = Create(TuningGenerationTests.TunedSpec, TuningGenerationTests.Lock + StartingMemberBlock);
        Assert.Equal(3, pinned.PinnedEnsemble.Count);
        Assert.Equal("40", pinned.PinnedEnsemble[0].Values["leaves"]);
        Assert.Empty(pinned.PinnedEnsemble[1].Values);
        Assert.Equal(new string?[] { "spec", "pinned", null }, pinned.PinnedEnsemble.Select(m => m.From));

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = PipelineApp.Run(["train"], pinned, output, error);
        Assert.True(exit == 0, output + "\n" + error);
        Assert.Contains("Training the ensemble pinned in the lock file (3 members", output.ToString());
        // The console and the card say which members are the study's starting trial and where its values came from
        // (the lock's 'from:'), with the values a member sets; the member that sets none is the single winner.
        Assert.Contains("\n  member 1: the study's starting trial (the spec's own configuration)\n  member 2: the study's starting trial (the values pinned before that study)\n",
            output.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain("member 3:", output.ToString());
        var modelPath = ModelStore.Resolve(ModelStore.DefaultModelPath(pinned.Settings));
        var card = File.ReadAllText(ModelCard.MarkdownPath(modelPath));
        Assert.Contains("| member01.values | the study's starting trial (the spec's own configuration): leaves=40, learning_rate=0.5, min_examples_per_leaf=7 |", card);
        Assert.Contains("| member02.values | none over the single winner's: the study's starting trial (the values pinned before that study) |", card);
        Assert.Contains("| member03.values | leaves=24, learning_rate=0.3, min_examples_per_leaf=2 |", card);

        var data = Path.Combine(_dir, "titanic.csv");
        var saved = ModelStore.Load(new MLContext(1), modelPath, out _);
        // The same members fitted by tune's code on the pipeline without the lock: the member with no values is the lock's single winner.
        var ml = new MLContext(unpinned.Settings.Seed);
        var members = new[]
        {
            new EnsembleMember(0, 0.5, new Configuration { ["leaves"] = 40, ["learning_rate"] = 0.5, ["min_examples_per_leaf"] = 7 }),
            new EnsembleMember(1, 0.3, new Configuration { ["leaves"] = 5, ["learning_rate"] = 0.125, ["min_examples_per_leaf"] = 10 }),
            new EnsembleMember(2, 0.2, new Configuration { ["leaves"] = 24, ["learning_rate"] = 0.3, ["min_examples_per_leaf"] = 2 }),
        };
        var tuned = EnsembleBuilder.Fit(unpinned, members, ml, unpinned.LoadData(ml, data));
        Assert.Equal(Auc(tuned, unpinned, data), Auc(saved, pinned, data), 6);
    }

    [Fact]
    public void Spec_keys_decide_what_tune_does_and_flags_override_them()
    {
        var spec = TuningGenerationTests.TunedSpec.Replace("trials: 3", "trials: 2") + "\n  ensemble: true\n  honest: nested\n  outer_folds: 2\n";
        var pipeline = Create(spec, null);
        Assert.True(pipeline.Tuning.Ensemble);
        Assert.Equal("nested", pipeline.Tuning.Honest);
        Assert.Equal(2, pipeline.Tuning.OuterFolds);

        // honest: nested -> nested cross-validation over 2 outer folds; ensemble: true -> the final search builds one.
        var output = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["tune"], pipeline, output, new StringWriter()));
        var text = output.ToString();
        Assert.Contains("Nested cross-validation of the tuning of TunedTitanic: 2 outer folds", text);
        Assert.Contains("Honest estimate (headline; nested cross-validation", text);
        Assert.Contains("Ensemble", text);

        // --honest holdout and --no-ensemble override the spec.
        output = new StringWriter();
        Assert.Equal(0, PipelineApp.Run(["tune", "--honest", "holdout", "--no-ensemble", "--no-lock"], pipeline, output, new StringWriter()));
        text = output.ToString();
        Assert.DoesNotContain("Nested cross-validation", text);
        Assert.DoesNotContain("Ensemble", text);
        Assert.Contains("held-back score (the honest estimate", text);
    }
}
