using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Serving;

/// <summary>
/// Makes the OpenAPI schema of the generated input type say what the service accepts: properties named as the data's
/// columns (the names the service reads), each described from the spec and the loaded model's training profile (kind,
/// role, training range or categories), the required ones listed, and the ones that may be missing nullable.
/// </summary>
internal sealed class ColumnSchemaTransformer<TInput, TPrediction>(PipelineSettings settings) : IOpenApiSchemaTransformer
    where TInput : class, new() where TPrediction : class, new()
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(TInput) || schema.Properties is not { Count: > 0 } properties) return Task.CompletedTask;
        var host = context.ApplicationServices.GetService<ModelHost<TInput, TPrediction>>();
        var fields = host is { IsLoaded: true } ? host.Current.Binder.Fields : new RowBinder<TInput>(settings, null).Fields;
        var byPropertyName = context.JsonTypeInfo.Properties
            .Where(p => p.AttributeProvider is System.Reflection.PropertyInfo)
            .ToDictionary(p => ((System.Reflection.PropertyInfo)p.AttributeProvider!).Name, p => p.Name, StringComparer.Ordinal);
        var renamed = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (!byPropertyName.TryGetValue(field.Property.Name, out var jsonName) || !properties.TryGetValue(jsonName, out var property)) continue;
            if (property is OpenApiSchema concrete)
            {
                concrete.Description = Describe(field);
                // A declared date format is not RFC 3339's date-time: the description names the format instead.
                if (field.Column.DateFormat is not null) concrete.Format = null;
                if (!field.Required && concrete.Type is { } type) concrete.Type = type | JsonSchemaType.Null;
            }
            renamed[field.Column.Name] = property;
            if (field.Required) required.Add(field.Column.Name);
        }
        schema.Properties = renamed;
        schema.Required = required;
        schema.Description = $"One row of '{settings.Name}': the data's columns by name. The label ('{settings.LabelColumn}') and ignored columns may be left out.";
        return Task.CompletedTask;
    }

    private static string Describe(RowBinder<TInput>.Field field)
    {
        var column = field.Column;
        var text = $"Column '{column.Name}' ({column.Kind.ToString().ToLowerInvariant()}, {column.Role.ToString().ToLowerInvariant()}";
        text += column.Role != ColumnRole.Feature ? "; not used for the prediction, may be left out)"
            : field.Required ? "; required)" : "; may be null or left out when missing)";
        if (field.Profile is { Min: double min, Max: double max })
            text += string.Create(CultureInfo.InvariantCulture, $". Training range [{min:G6}, {max:G6}].");
        else if (field.Profile is { Earliest: DateTime earliest, Latest: DateTime latest })
            text += $". Training period [{TrainingProfile.Format(earliest)}, {TrainingProfile.Format(latest)}] (UTC).";
        else if (field.Profile is { CategoriesComplete: true, Categories: { Count: > 0 } categories })
            text += categories.Count <= 20 ? $". Seen in training: {string.Join(", ", categories)}." : $". {categories.Count} categories seen in training.";
        if (column.DateFormat is { } format)
            text += (text.EndsWith('.') ? " " : ". ") + $"Written in the format '{format}' (e.g. {new DateTime(2019, 3, 24, 13, 45, 0).ToString(format, CultureInfo.InvariantCulture)}).";
        return text;
    }
}
