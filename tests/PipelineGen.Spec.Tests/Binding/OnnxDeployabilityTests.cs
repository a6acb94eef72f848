using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using static PipelineGen.Spec.Tests.SpecFixtures;

namespace PipelineGen.Spec.Tests;

/// <summary>With 'deploy.onnx: true', steps ML.NET cannot export are build errors on the spec line that chose them.</summary>
public class OnnxDeployabilityTests
{
    private static InferredSchema WithSignup() =>
        ChurnSchema(new InferredColumn("signup", 5, "datetime", 0, 100, EquatableArray<string>.Empty));

    [Fact]
    public void PG0520_datetime_feature_is_located_on_its_type_override()
    {
        var yaml = Minimal + "\n  columns:\n    signup: { type: datetime }\ndeploy:\n  onnx: true\n";
        var d = Single(Bind(yaml, WithSignup()).Diagnostics, "PG0520");
        AssertAt(d, yaml, "datetime }");
        Assert.Contains("'signup'", d.Message);
        Assert.Contains("role: ignore", d.Message);
    }

    [Fact]
    public void PG0520_inferred_datetime_feature_is_located_on_deploy_onnx()
    {
        var yaml = Minimal + "\ndeploy:\n  onnx: true\n";
        var d = Single(Bind(yaml, WithSignup()).Diagnostics, "PG0520");
        AssertAt(d, yaml, "true");
    }

    [Fact]
    public void No_deployability_errors_without_deploy_onnx_or_when_the_column_is_ignored()
    {
        Assert.DoesNotContain(Bind(Minimal, WithSignup()).Diagnostics, d => d.Id.StartsWith("PG052", StringComparison.Ordinal));
        var ignored = Minimal + "\n  columns:\n    signup: { role: ignore }\ndeploy:\n  onnx: true\n";
        var result = Bind(ignored, WithSignup());
        Assert.DoesNotContain(result.Diagnostics, d => d.Id.StartsWith("PG052", StringComparison.Ordinal));
        Assert.True(result.Pipeline!.Onnx);
    }

    [Fact]
    public void PG0521_model_imputation_is_located_on_the_column_missing_key()
    {
        var yaml = Minimal + "\n  columns:\n    age: { missing: model }\ndeploy:\n  onnx: true\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0521");
        AssertAt(d, yaml, "model }");
        Assert.Contains("'age'", d.Message);
    }

    [Fact]
    public void PG0521_model_imputation_from_prepare_is_located_on_numeric_missing()
    {
        var yaml = Minimal + "\nprepare:\n  numeric_missing: model\ndeploy:\n  onnx: true\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0521");
        AssertAt(d, yaml, "model\n");
    }

    [Fact]
    public void PG0522_trainer_without_onnx_converter_is_located_on_the_trainer()
    {
        var yaml = Minimal + "\nmodel:\n  trainer: gam\ndeploy:\n  onnx: true\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0522");
        AssertAt(d, yaml, "gam");
        Assert.Contains("lightgbm", d.Message);
    }

    [Fact]
    public void PG0522_naive_bayes_is_not_exportable_since_its_posterior_step_has_no_onnx_form()
    {
        var yaml = Minimal.Replace("kind: binary", "kind: multiclass") + "\nmodel:\n  trainer: naive_bayes\ndeploy:\n  onnx: true\n";
        var d = Single(Bind(yaml).Diagnostics, "PG0522");
        AssertAt(d, yaml, "naive_bayes");
        Assert.Contains("class probabilities", d.Message);
        Assert.DoesNotContain("naive_bayes,", d.Message); // not offered as an exportable choice
    }
}
