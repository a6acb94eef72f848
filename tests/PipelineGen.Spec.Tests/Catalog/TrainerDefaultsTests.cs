using PipelineGen.Spec.Binding;
using PipelineGen.Spec.Catalog;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>
/// The defaults the generator emits into the settings (<see cref="TrainerDefaults"/>, written in the spec library, which
/// does not reference ML.NET) are ML.NET's own: read from the options object the generated code creates, for every
/// trainer, task and hyperparameter. An ML.NET update that changes one fails here.
/// </summary>
public class TrainerDefaultsTests
{
    public static TheoryData<string, TaskKind> Bindings()
    {
        var data = new TheoryData<string, TaskKind>();
        foreach (var trainer in TrainerCatalog.All)
        foreach (var binding in trainer.Bindings)
            data.Add(trainer.Name, binding.Task);
        return data;
    }

    [Theory]
    [MemberData(nameof(Bindings))]
    public void Every_default_is_the_one_MLNET_options_object_has(string trainer, TaskKind task)
    {
        var info = TrainerCatalog.Find(trainer)!;
        foreach (var param in info.Params)
        {
            var fromMlNet = MlNetDefaults.Of(info.For(task)!, param)!
                .Replace("`", "", StringComparison.Ordinal)
                .Replace("automatic (ML.NET chooses from the data)", TrainerDefaults.Automatic, StringComparison.Ordinal);
            Assert.True(fromMlNet == TrainerDefaults.Of(trainer, task, param.Name),
                $"{trainer} ({task}) {param.Name}: ML.NET's default is {fromMlNet}, TrainerDefaults says {TrainerDefaults.Of(trainer, task, param.Name) ?? "nothing"}");
        }
    }

    [Fact]
    public void A_name_the_trainer_does_not_have_has_no_default() =>
        Assert.Null(TrainerDefaults.Of("naive_bayes", TaskKind.Multiclass, "threads"));

    [Fact]
    public void Resolved_values_are_the_specs_then_the_defaults_in_catalog_order()
    {
        var p = Bind(Minimal + "\nmodel:\n  trainer: lightgbm\n  params: { leaves: 8, learning_rate: 0.05, l2_regularization: 2 }\n").Pipeline!;

        var resolved = ResolvedHyperparameters.Of(p.Trainer, p.Task);

        Assert.Equal(TrainerCatalog.Find("lightgbm")!.Params.Select(x => x.Name), resolved.Select(v => v.Key));
        var values = resolved.ToDictionary(v => v.Key, v => v.Value);
        Assert.Equal(("8", "0.05", "2"), (values["leaves"], values["learning_rate"], values["l2_regularization"]));
        Assert.Equal(("100", "auto", "1"), (values["iterations"], values["min_examples_per_leaf"], values["threads"]));
    }

    [Fact]
    public void Lists_words_flags_and_single_precision_values_read_as_the_spec_writes_them()
    {
        var dense = Bind(Minimal + "\nmodel:\n  trainer: dense\n  params: { layers: [16, 8], activation: tanh }\n").Pipeline!;
        var values = ResolvedHyperparameters.Of(dense.Trainer, dense.Task).ToDictionary(v => v.Key, v => v.Value);
        Assert.Equal(("[16, 8]", "tanh", "constant"), (values["layers"], values["activation"], values["schedule"]));

        var sdca = Bind(Minimal + "\nmodel:\n  trainer: sdca\n  params: { l2_regularization: 0.1 }\n").Pipeline!;
        Assert.Equal("0.1", ResolvedHyperparameters.Of(sdca.Trainer, sdca.Task).Single(v => v.Key == "l2_regularization").Value);

        var svm = Bind(Minimal + "\nmodel:\n  trainer: linear_svm\n  params: { no_bias: true }\n").Pipeline!;
        Assert.Equal("true", ResolvedHyperparameters.Of(svm.Trainer, svm.Task).Single(v => v.Key == "no_bias").Value);
    }
}
