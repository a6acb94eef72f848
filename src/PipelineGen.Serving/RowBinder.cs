using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Training;
using PipelineGen.Shared;

namespace PipelineGen.Serving;

/// <summary>
/// Turns one JSON object into a generated input row, checked against the pipeline's columns and the model's training
/// profile. Property names are the data's column names (as in the spec and <c>predict --json</c>; matched case-insensitively
/// when unambiguous). Errors (unknown property, wrong type, a required feature missing, a number a 32-bit float cannot hold)
/// go to a dictionary keyed by the field's path, which becomes a 400 problem-details body; values the model never saw
/// (an unseen category, a number far outside the training range, a date outside the training period) become warnings and the row is still predicted.
/// </summary>
public sealed class RowBinder<TInput> where TInput : class, new()
{
    private readonly Field[] _fields;
    private readonly Dictionary<string, Field?> _byNameIgnoreCase = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _columnList;

    /// <summary>Builds the binder; throws <see cref="ServingStartupException"/> when <typeparamref name="TInput"/> does not match the pipeline's columns.</summary>
    internal RowBinder(PipelineSettings settings, TrainingProfile? profile)
    {
        var properties = typeof(TInput).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, StringComparer.Ordinal);
        var fields = new List<Field>();
        foreach (var column in settings.Columns.OrderBy(c => c.Index))
        {
            if (!properties.TryGetValue(column.PropertyName, out var property))
                throw new ServingStartupException($"{typeof(TInput).Name} has no settable property {column.PropertyName} for column '{column.Name}' of pipeline '{settings.Name}': the generated types and the settings do not belong together. Rebuild the project.");
            var columnProfile = profile?.Columns.GetValueOrDefault(column.Name);
            bool required = column.Role == ColumnRole.Feature && !column.HasMissing && !(columnProfile?.Missing > 0);
            // The column's tokens: the global ones and its own (a -1 missing in one column is a number in the others).
            fields.Add(new Field(column, property, required, columnProfile, settings.MissingTokensOf(column.Name)));
        }
        _fields = fields.ToArray();
        foreach (var field in _fields)
        {
            // Two columns differing only in case: neither is matched case-insensitively.
            _byNameIgnoreCase[field.Column.Name] = _byNameIgnoreCase.ContainsKey(field.Column.Name) ? null : field;
        }
        _columnList = string.Join(", ", _fields.Select(f => f.Column.Name));
    }

    /// <summary>The fields in column order (for OpenAPI descriptions and drift).</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <summary>
    /// Binds <paramref name="json"/>; returns null when it has errors (added to <paramref name="errors"/> under
    /// <paramref name="path"/>-prefixed keys). Warnings are added to <paramref name="warnings"/>.
    /// </summary>
    public TInput? Bind(JsonElement json, string path, Dictionary<string, string[]> errors, List<string> warnings) =>
        Bind(json, new RowPath(path, -1), errors, warnings);

    /// <summary>Binds row <paramref name="row"/> of a batch: keys and warnings are prefixed <c>rows[row]</c>, built only when one is reported.</summary>
    public TInput? Bind(JsonElement json, int row, Dictionary<string, string[]> errors, List<string> warnings) =>
        Bind(json, new RowPath(null, row), errors, warnings);

    // The hot path of every request: no string is built unless it is reported (keys and the row's path are made on an
    // error or warning), property names are compared as UTF-8 without allocating, trying the column order first.
    private TInput? Bind(JsonElement json, RowPath path, Dictionary<string, string[]> errors, List<string> warnings)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            var at = path.Text;
            errors[at.Length == 0 ? "$" : at] = [$"expected a JSON object with the columns as properties ({_columnList}), got {Describe(json.ValueKind)}."];
            return null;
        }
        int errorsBefore = errors.Count;
        var row = new TInput();
        Span<bool> seen = _fields.Length <= 256 ? stackalloc bool[_fields.Length] : new bool[_fields.Length];
        int next = 0;
        foreach (var property in json.EnumerateObject())
        {
            try
            {
                int index = Find(property, next);
                if (index < 0)
                {
                    errors[Key(path.Text, property.Name)] = [$"'{Shorten(property.Name)}' is not a column of this model. Columns: {_columnList}."];
                    continue;
                }
                next = index + 1;
                var field = _fields[index];
                if (seen[index])
                {
                    errors[Key(path.Text, property.Name)] = [$"column '{field.Column.Name}' is given twice; give each column once."];
                    continue;
                }
                seen[index] = true;
                // The label and ignored columns play no part in a prediction: a client sending whole rows may send any
                // value there (a label spelled "yes" in a numeric column included), as docs/serving.md says.
                if (field.Column.Role is ColumnRole.Label or ColumnRole.Ignore)
                {
                    field.SetMissing(row);
                    continue;
                }
                if (property.Value.ValueKind == JsonValueKind.Null || field.IsMissingToken(property.Value))
                {
                    if (field.Required) errors[Key(path.Text, property.Name)] = [RequiredMessage(field)];
                    else field.SetMissing(row);
                    continue;
                }
                if (field.Set(row, property.Value, out var warning) is { } problem) errors[Key(path.Text, property.Name)] = [problem];
                else if (warning is not null) { var at = path.Text; warnings.Add(at.Length == 0 ? warning : $"{at}: {warning}"); }
            }
            catch (InvalidOperationException) when (InvalidText(property) is { } where)
            {
                // System.Text.Json parses an escaped lone surrogate ("\ud800") and throws only when the text is read:
                // a 400 naming the property, as predict --json refuses it, not a 500.
                errors[where == InvalidName ? (path.Text is { Length: > 0 } at ? at : "$") : Key(path.Text, where)] = [$"{(where == InvalidName ? "a property name" : $"'{where}'")} is not valid Unicode text (a lone UTF-16 surrogate such as \\ud800); send valid UTF-8 text."];
            }
        }
        for (int i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            if (seen[i]) continue;
            if (field.Required) errors[Key(path.Text, field.Column.Name)] = [RequiredMessage(field)];
            else field.SetMissing(row);
        }
        return errors.Count == errorsBefore ? row : null;
    }

    private const string InvalidName = "(property name)";

    /// <summary>Which part of <paramref name="property"/> cannot be read as text: its name, its string value (then the name), or null.</summary>
    private static string? InvalidText(JsonProperty property)
    {
        string name;
        try { name = property.Name; }
        catch (InvalidOperationException) { return InvalidName; }
        if (property.Value.ValueKind != JsonValueKind.String) return null;
        try { _ = property.Value.GetString(); return null; }
        catch (InvalidOperationException) { return name; }
    }

    /// <summary>The field a property names: the expected next column first, then every column by exact UTF-8 name, then case-insensitively; -1 when none.</summary>
    private int Find(JsonProperty property, int expected)
    {
        if (expected < _fields.Length && property.NameEquals(_fields[expected].Utf8Name)) return expected;
        for (int i = 0; i < _fields.Length; i++)
            if (i != expected && property.NameEquals(_fields[i].Utf8Name)) return i;
        return _byNameIgnoreCase.TryGetValue(property.Name, out var field) && field is not null ? Array.IndexOf(_fields, field) : -1;
    }

    /// <summary>Where a row is in the request ("" for a single row, "rows[3]" in a batch), made into text only when needed.</summary>
    private readonly struct RowPath(string? text, int row)
    {
        public string Text => text ?? (row < 0 ? "" : $"rows[{row}]");
    }

    private static string RequiredMessage(Field field) =>
        $"'{field.Column.Name}' is required ({field.TypeWord}): the model was trained without missing values in it.";

    private static string Key(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    /// <summary>One column: how its JSON value is read into the generated property, and what training saw in it.</summary>
    public sealed class Field
    {
        private readonly Func<TInput, JsonElement, string?> _set;
        private readonly Action<TInput> _setMissing;
        private readonly HashSet<string>? _categories;
        // Precomputed for the hot path: whether values are compared with training at all, and the range outside which a
        // number is "far outside" (min/max widened by FarOutsideFraction of the width).
        private readonly bool _checked;
        private readonly bool _hasRange;
        private readonly double _low, _high;
        // Typed setters for the commonest columns, so a value is read once and both set and checked from that reading.
        private readonly Action<TInput, float>? _setFloat;
        private readonly Action<TInput, string?>? _setString;
        private readonly Action<TInput, DateTime>? _setDate;

        // A number column's missing tokens that are numbers (data.missing_values or the column's own: "-999"): a JSON number with that exact
        // text is missing, as the same text in a data file or in predict --json is.
        private readonly HashSet<string>? _missingTokens;
        // Every missing token of a number column: a JSON string that is exactly one ("NA") is missing, as predict --json reads it.
        private readonly HashSet<string>? _missingStrings;

        internal Field(ColumnInfo column, PropertyInfo property, bool required, ColumnProfile? profile, IReadOnlyList<string>? missingTokens = null)
        {
            if (column.Kind == ColumnKind.Numeric && missingTokens is { Count: > 0 })
            {
                _missingTokens = new HashSet<string>(missingTokens.Where(t => t.Length > 0 && DataValues.IsPlainNumberText(t)), StringComparer.Ordinal);
                _missingStrings = new HashSet<string>(missingTokens, StringComparer.Ordinal);
            }
            Column = column;
            Property = property;
            Required = required;
            Profile = profile;
            Utf8Name = System.Text.Encoding.UTF8.GetBytes(column.Name);
            if (profile is { CategoriesComplete: true, Categories: { } categories }) _categories = new HashSet<string>(categories, StringComparer.Ordinal);
            _checked = profile is not null && column.Role == ColumnRole.Feature;
            if (profile is { Min: double min, Max: double max })
            {
                double margin = (max - min) * PredictStep.FarOutsideFraction;
                (_hasRange, _low, _high) = (true, min - margin, max + margin);
            }
            (_set, _setMissing, TypeWord) = Accessors(column, property, ValueChecks.MissingNumberHint(missingTokens ?? []));
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type == typeof(float)) _setFloat = Setter<float>(property);
            else if (type == typeof(string) && property.PropertyType == typeof(string)) _setString = Setter<string?>(property);
            else if (type == typeof(DateTime)) _setDate = Setter<DateTime>(property);
        }

        /// <summary>The column name as UTF-8, compared with JSON property names without decoding them.</summary>
        internal byte[] Utf8Name { get; }

        public ColumnInfo Column { get; }
        public PropertyInfo Property { get; }
        /// <summary>A feature the model was trained without missing values in: absent or null is a 400.</summary>
        public bool Required { get; }
        internal ColumnProfile? Profile { get; }
        /// <summary>"a number", "a string", ... as the error messages and OpenAPI say it.</summary>
        public string TypeWord { get; }

        internal string? Set(TInput row, JsonElement value) => _set(row, value);

        /// <summary>
        /// Sets the property from <paramref name="value"/> (not null); returns the error, or null with
        /// <paramref name="warning"/> set when the value is one training never saw. Same messages as <see cref="Set(TInput, JsonElement)"/>
        /// and <see cref="Check"/>; float, string and date columns read the value once for both (a date is checked only there).
        /// </summary>
        internal string? Set(TInput row, JsonElement value, out string? warning)
        {
            warning = null;
            if (_setFloat is not null && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && float.IsFinite((float)d))
            {
                _setFloat(row, (float)d);
                if (_checked && _hasRange && (d < _low || d > _high)) warning = FarOutside(d);
                else if (_checked && !_hasRange && _categories is not null) warning = Check(value);
                return null;
            }
            if (_setDate is not null && value.ValueKind == JsonValueKind.String && DataValues.TryParseDateTime(value.GetString(), Column.DateFormat, out var date))
            {
                _setDate(row, date);
                if (_checked && Profile is not null && ValueChecks.IsFarOutsidePeriod(Profile, date)) warning = FarOutside(value.GetString()!);
                return null;
            }
            if (_setString is not null && value.ValueKind == JsonValueKind.String)
            {
                var text = value.GetString()!;
                _setString(row, text);
                if (_checked && _categories is not null && !_categories.Contains(text)) warning = Unseen(text);
                return null;
            }
            // A category given as a number names the training category of that value (3.0 → "3"), as the browser page does.
            if (_setString is not null && Column.Kind == ColumnKind.Categorical && value.ValueKind == JsonValueKind.Number
                && value.TryGetDouble(out var n) && Profile?.CategoryOfNumber(value.GetRawText(), n) is { } category)
            {
                _setString(row, category);
                return null;
            }
            if (_set(row, value) is { } problem) return problem;
            if (_checked) warning = Check(value);
            return null;
        }
        internal void SetMissing(TInput row) => _setMissing(row);

        /// <summary>
        /// Whether a number column's value is one of the spec's missing tokens: a JSON number with a token's exact text
        /// (-999 when "-999" is one), or a JSON string that is exactly a token ("NA"). Any other string in a number
        /// column stays an error ("must be a number"), a number in quotes included, as in predict --json.
        /// </summary>
        internal bool IsMissingToken(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Number => _missingTokens is { Count: > 0 } tokens && tokens.Contains(value.GetRawText()),
            JsonValueKind.String => _missingStrings is { Count: > 0 } strings && strings.Contains(value.GetString()!),
            _ => false,
        };

        /// <summary>A warning when the value is one the model never saw in training; null otherwise.</summary>
        internal string? Check(JsonElement value)
        {
            if (Profile is null) return null;
            if (_hasRange && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
                return number >= _low && number <= _high ? null : FarOutside(number);
            if (_categories is not null && CategoryText(value) is { } text && !_categories.Contains(text))
                return Unseen(text);
            return null;
        }

        // The words and range predict --json uses for the same value (one message, ValueChecks.FarOutside).
        private string FarOutside(double number) =>
            ValueChecks.FarOutside(string.Create(CultureInfo.InvariantCulture, $"'{Column.Name}' = {number}"), Profile!);

        private string FarOutside(string date) => ValueChecks.FarOutside($"'{Column.Name}' = '{Shorten(date)}'", Profile!);

        private string Unseen(string text) =>
            $"'{Column.Name}' = '{Shorten(text)}': a category not seen in training ({(_categories!.Count <= 10 ? "seen: " + string.Join(", ", _categories.Order(StringComparer.Ordinal)) : $"{_categories.Count} seen")}); predicted anyway, but the model learned nothing about this value.";

        internal static string? CategoryText(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };

        // missingNumber: what to send for a missing number (ValueChecks.MissingNumberHint), named by the error.
        private static (Func<TInput, JsonElement, string?> Set, Action<TInput> Missing, string Word) Accessors(ColumnInfo column, PropertyInfo property, string missingNumber)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            string name = column.Name;
            if (type == typeof(float))
            {
                var set = Setter<float>(property);
                return ((row, v) =>
                {
                    if (v.ValueKind != JsonValueKind.Number) return $"'{name}' must be a number (or {missingNumber}), got {Describe(v.ValueKind)}.";
                    if (!v.TryGetDouble(out var d) || !float.IsFinite((float)d)) return $"'{name}' = {Shorten(v.GetRawText())} is outside the range of a 32-bit float (about ±3.4e38).";
                    set(row, (float)d);
                    return null;
                }, row => set(row, float.NaN), "a number");
            }
            if (type == typeof(double))
            {
                var set = Setter<double>(property);
                return ((row, v) =>
                {
                    if (v.ValueKind != JsonValueKind.Number) return $"'{name}' must be a number (or {missingNumber}), got {Describe(v.ValueKind)}.";
                    if (!v.TryGetDouble(out var d) || !double.IsFinite(d)) return $"'{name}' = {Shorten(v.GetRawText())} is not a finite number.";
                    set(row, d);
                    return null;
                }, row => set(row, double.NaN), "a number");
            }
            if (type == typeof(bool))
            {
                var set = Setter<bool>(property);
                return ((row, v) =>
                {
                    if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) return $"'{name}' must be true or false, got {Describe(v.ValueKind)}.";
                    set(row, v.GetBoolean());
                    return null;
                }, row => set(row, false), "true or false");
            }
            if (type == typeof(DateTime))
            {
                var set = Setter<DateTime>(property);
                var format = column.DateFormat;
                var expected = format is null ? "a date and time as an ISO 8601 string (e.g. \"2024-05-01T13:00:00\")" : $"a date and time string in the format '{format}'";
                return ((row, v) =>
                {
                    // Read as the loader reads a file's date (UTC; the declared format, if any), so the served row and predict's give the same features.
                    if (v.ValueKind != JsonValueKind.String)
                        return $"'{name}' must be {expected}, got {Describe(v.ValueKind)}.";
                    if (!DataValues.TryParseDateTime(v.GetString(), format, out var t))
                        return format is null
                            ? $"'{name}' = '{Shorten(v.GetString()!)}' is not a date and time. {DataValues.DateTimeHint}."
                            : $"'{name}' = '{Shorten(v.GetString()!)}' does not match the date format '{format}' of column '{column.Name}'.";
                    set(row, t);
                    return null;
                }, row => set(row, default), format is null ? "an ISO 8601 date-time string" : $"a date-time string in the format '{format}'");
            }
            if (type == typeof(string))
            {
                var set = Setter<string?>(property);
                bool categorical = column.Kind == ColumnKind.Categorical;
                return ((row, v) =>
                {
                    // A category written as a number (pclass: 1) is the text the data file had; free text must be a string.
                    var text = v.ValueKind == JsonValueKind.String ? v.GetString() : categorical ? CategoryText(v) : null;
                    if (text is null) return $"'{name}' must be a string{(categorical ? " (or a number or boolean naming the category)" : "")}, got {Describe(v.ValueKind)}.";
                    set(row, text);
                    return null;
                }, row => set(row, ""), "a string");
            }
            throw new ServingStartupException($"Column '{name}' is a {type.Name} property ({property.DeclaringType?.Name}.{property.Name}); the REST service reads float, double, bool, DateTime and string columns.");
        }

        // A compiled setter: a reflection Invoke per value would cost more than the prediction for small models.
        private static Action<TInput, T> Setter<T>(PropertyInfo property)
        {
            var row = Expression.Parameter(typeof(TInput));
            var value = Expression.Parameter(typeof(T));
            Expression converted = property.PropertyType == typeof(T) ? value : Expression.Convert(value, property.PropertyType);
            return Expression.Lambda<Action<TInput, T>>(Expression.Assign(Expression.Property(row, property), converted), row, value).Compile();
        }
    }
}
