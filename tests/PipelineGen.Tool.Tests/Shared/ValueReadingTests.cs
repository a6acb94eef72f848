using PipelineGen.Spec;
using PipelineGen.Spec.Data;
using PipelineGen.Tool.Csv;
using Xunit;

namespace PipelineGen.Tool.Tests;

/// <summary>
/// Issue #8 (one reading of a value: blanks, quotes, missing tokens, booleans, numbers) and issue #9 (a numeric column
/// with a few junk tokens is reported, not silently made categorical), as the build tool sees them.
/// </summary>
public class ValueReadingTests
{
    private static DelimitedRecord ReadOne(string line, char separator = ',')
    {
        using var reader = new DelimitedReader(new StringReader(line + "\n"), separator);
        Assert.True(reader.TryRead(out var record));
        return record;
    }

    [Theory]
    [InlineData("a,b,c", ',')]
    [InlineData("\"a,b\",c", ',')]
    [InlineData("a,\"b", ',')]
    [InlineData("a, \"b\"\"\"", ',')]
    [InlineData("a, \"b\"\"", ',')]
    [InlineData("x\"y,\"z", ',')]
    [InlineData("\"q\"tail,\"open", ',')]
    [InlineData("\"\"", ',')]
    [InlineData("\"", ',')]
    [InlineData("a,", ',')]
    [InlineData("a,\"b\",", ',')]
    [InlineData("\t\"a\tb\"\t\"c", '\t')]
    [InlineData(" \"a\" ; \"b", ';')]
    public void Whether_a_line_leaves_a_quote_open_is_what_the_split_finds(string line, char separator) =>
        Assert.Equal(PipelineGen.Shared.DelimitedLine.Split(line, separator, [], []) >= 0, PipelineGen.Shared.DelimitedLine.LeavesQuoteOpen(line, separator));

    [Fact]
    public void Blanks_around_a_value_outside_quotes_are_not_part_of_it()
    {
        // The UCI Adult layout: a space after every comma; plus trailing blanks and a tab.
        var record = ReadOne("39, State-gov,  77516 ,\t>50K\t, <=50K");
        Assert.Equal(new[] { "39", "State-gov", "77516", ">50K", "<=50K" }, record.Fields);
        // Columns point at each value's first character (after the blanks), for diagnostics.
        Assert.Equal(new[] { 1, 5, 17, 25, 32 }, record.FieldStarts.Select(p => p.Column));
    }

    [Fact]
    public void Blanks_inside_quotes_are_kept_and_a_quote_after_blanks_still_opens_a_quoted_value()
    {
        var record = ReadOne(" \" >50K\" , \"a, b\"  ,\"x\" ");
        Assert.Equal(new[] { " >50K", "a, b", "x" }, record.Fields);
        Assert.False(record.HasUnclosedQuote);
    }

    [Fact]
    public void With_a_tab_separator_only_spaces_are_blanks_and_empty_fields_stay_empty()
    {
        var record = ReadOne(" a \t\t b", '\t');
        Assert.Equal(new[] { "a", "", "b" }, record.Fields);
    }

    [Fact]
    public void Adult_shaped_values_with_a_space_after_the_comma_are_inferred_without_it()
    {
        using var project = new TempProject();
        project.Write("adult.csv", "age,workclass,income\n39, State-gov, <=50K\n50, Self-emp-not-inc, >50K\n38, ?, <=50K\n53, Private, >50K\n");
        var schema = project.Infer(project.WriteSpec(train: "adult.csv", label: "income", kind: "binary"));

        Assert.Empty(schema.Diagnostics);
        Assert.Equal(new[] { "<=50K", ">50K" }, schema.Find("income")!.DistinctValues);
        // " ?" is the missing token '?' once the blank is gone.
        var workclass = schema.Find("workclass")!;
        Assert.Equal(1, workclass.MissingCount);
        Assert.Equal(new[] { "Private", "Self-emp-not-inc", "State-gov" }, workclass.DistinctValues);
        Assert.Equal("numeric", schema.Find("age")!.Type);
    }

    [Fact]
    public void Missing_tokens_match_exactly_and_case_sensitively()
    {
        using var project = new TempProject();
        project.Write("data.csv", "color,label\nred,a\n na ,b\nNA,a\n  ,b\n");
        var color = project.Infer(project.WriteSpec()).Find("color")!;
        // "NA" and the blank value are missing; "na" is a value (the model's categorical step compares exactly, too).
        Assert.Equal(2, color.MissingCount);
        Assert.Equal(new[] { "na", "red" }, color.DistinctValues);
    }

    [Fact]
    public void A_declared_boolean_accepts_every_spelling_the_loader_reads()
    {
        using var project = new TempProject();
        project.Write("data.csv", "flag,label\nyes,a\nN,b\n1,a\nmaybe,b\n");
        var schema = project.Infer(project.WriteSpec(dataExtra: "columns:\n  flag: { type: boolean }"));
        // Only "maybe" is not a boolean for ML.NET's loader; yes/N/1 are.
        var d = Assert.Single(schema.Diagnostics, x => x.Id == "PG0108");
        Assert.Contains("'maybe'", d.Message);
        Assert.Equal(5, d.Span.StartLine);
    }

    private static string FareFile(params (int Row, string Value)[] junk)
    {
        var rows = Enumerable.Range(0, 30).Select(i => $"p{i},{(7.25 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)},{(i % 2 == 0 ? "yes" : "no")}").ToArray();
        foreach (var (row, value) in junk) rows[row] = $"p{row},{value},no";
        return "name,fare,label\n" + string.Join("\n", rows) + "\n";
    }

    [Fact]
    public void One_junk_token_in_a_numeric_column_is_a_located_warning_naming_the_value_and_the_fix()
    {
        using var project = new TempProject();
        var data = project.Write("data.csv", FareFile((11, "abc")));
        var schema = project.Infer(project.WriteSpec(kind: "binary"));

        // Still categorical (the data says so), but not silently.
        Assert.Equal("categorical", schema.Find("fare")!.Type);
        var d = Assert.Single(schema.Diagnostics);
        Assert.Equal("PG0140", d.Id);
        Assert.Equal(Severity.Warning, d.Severity);
        Assert.Equal(data, d.FilePath);
        Assert.Equal((13, 5), (d.Span.StartLine, d.Span.StartColumn)); // header is line 1, row 11 is line 13; "p11," is 4 characters
        Assert.Equal(File.ReadAllText(data).IndexOf("abc", StringComparison.Ordinal), d.Span.StartOffset);
        Assert.Contains("Column 'fare' holds numbers (29 in the sample) except for 1 value(s) that are not: 'abc' (line 13, column 5)", d.Message);
        Assert.Contains("inferred as categorical", d.Message);
        Assert.Contains("fare: { type: numeric }", d.Message);
        Assert.Contains("data.missing_values", d.Message);
    }

    [Fact]
    public void A_missing_marker_on_more_than_a_tenth_of_the_rows_is_still_named()
    {
        // 'NULL' (an SQL export) on 5 of 30 rows (17 %): above the 10 % rule nothing was said, and the column silently
        // became one category per number (an outside tester's macro accuracy fell from 0.53 to 0.31).
        using var project = new TempProject();
        project.Write("data.csv", FareFile((2, "NULL"), (8, "NULL"), (14, "NULL"), (20, "NULL"), (26, "N/A")));
        var d = Assert.Single(project.Infer(project.WriteSpec(kind: "binary")).Diagnostics);
        Assert.Equal("PG0140", d.Id);
        Assert.Contains("Column 'fare' holds numbers (25 in the sample) except for 5 value(s) that are not: 'NULL' (line 4, column 4)", d.Message);

        // Text with many spellings is a category, not numbers with a marker: no warning.
        using var text = new TempProject();
        text.Write("data.csv", FareFile((2, "low"), (8, "mid"), (14, "high"), (20, "low"), (26, "top")));
        Assert.DoesNotContain(text.Infer(text.WriteSpec(kind: "binary")).Diagnostics, x => x.Id == "PG0140");
    }

    [Fact]
    public void Several_junk_tokens_are_counted_and_the_first_ones_listed()
    {
        using var project = new TempProject();
        project.Write("data.csv", FareFile((3, "n/a"), (7, "-"), (20, "unknown")));
        var d = Assert.Single(project.Infer(project.WriteSpec(kind: "binary")).Diagnostics);
        Assert.Equal("PG0140", d.Id);
        Assert.Contains("27 in the sample) except for 3 value(s) that are not: 'n/a' (line 5, column 4), '-' (line 9, column 4), 'unknown' (line 22, column 5)", d.Message);
    }

    [Fact]
    public void Numbers_with_thousands_separators_or_a_decimal_comma_are_named_as_such()
    {
        // Titanic fares x10 written "2,630.00" when 1,000 or more: 'type: numeric' (the advice) would drop exactly those.
        using var project = new TempProject();
        project.Write("data.csv", FareFile((3, "\"2,630.00\""), (7, "\"1,465.21\"")));
        var d = Assert.Single(project.Infer(project.WriteSpec(kind: "binary")).Diagnostics);
        Assert.Equal("PG0140", d.Id);
        Assert.Contains("'2,630.00' (line 5, column 4), '1,465.21' (line 9, column 4) (these are numbers written with a thousands separator: 'type: numeric' would read them as missing, so write them without it, e.g. 1234.5)", d.Message);

        using var comma = new TempProject();
        comma.Write("data.csv", FareFile((3, "\"7,25\""), (7, "\"71,2833\"")));
        Assert.Contains("written with a decimal comma", Assert.Single(comma.Infer(comma.WriteSpec(kind: "binary")).Diagnostics).Message);
        // Words stay words.
        Assert.Equal("", PipelineGen.Tool.Inference.SchemaInferrer.SeparatorHint(["n/a", "1,234"]));
    }

    /// <summary>
    /// Red wine quality as a European spreadsheet saves it (issue #17): ';' between fields, decimal commas. Every
    /// measurement with a fraction was inferred categorical (96 to 436 categories a column) without a word, because
    /// PG0140 speaks only when the values that are not numbers are a few, and the model then evaluated with exit 0.
    /// </summary>
    [Fact]
    public void A_column_of_numbers_with_decimal_commas_is_reported_not_silently_made_categorical()
    {
        using var project = new TempProject();
        var rows = Enumerable.Range(0, 30).Select(i => $"{(i % 7 == 0 ? "8" : $"7,{i % 10}")};{i}");
        project.Write("data.csv", "fixed_acidity;label\n" + string.Join("\n", rows) + "\n");
        var schema = project.Infer(project.WriteSpec(kind: "regression", dataExtra: "separator: \";\""));

        Assert.Equal("categorical", schema.Find("fixed_acidity")!.Type);
        var d = Assert.Single(schema.Diagnostics);
        Assert.Equal(("PG0146", Severity.Warning, 3), (d.Id, d.Severity, d.Span.StartLine));
        Assert.Contains("Column 'fixed_acidity' holds numbers written with a decimal comma (25 of its 30 sampled values, such as '7,1' (line 3, column 1), '7,2' (line 4, column 1), '7,3' (line 5, column 1))", d.Message);
        Assert.Contains("inferred as categorical", d.Message);
        Assert.Contains("Convert the column in the data file", d.Message);
    }

    [Fact]
    public void A_column_of_numbers_with_thousands_separators_is_reported_and_a_declared_type_silences_it()
    {
        using var project = new TempProject();
        var rows = Enumerable.Range(0, 20).Select(i => $"\"{i + 1},{i % 10}50.00\",x");
        project.Write("data.csv", "price,label\n" + string.Join("\n", rows) + "\n");

        var d = Assert.Single(project.Infer(project.WriteSpec()).Diagnostics);
        Assert.Equal("PG0146", d.Id);
        Assert.Contains("holds numbers written with a thousands separator (20 of its 20 sampled values, such as '1,050.00'", d.Message);

        Assert.Empty(project.Infer(project.WriteSpec(dataExtra: "columns:\n    price: { type: categorical }")).Diagnostics);
    }

    [Fact]
    public void A_column_that_is_mostly_words_is_not_reported()
    {
        using var project = new TempProject();
        var rows = Enumerable.Range(0, 30).Select(i => (i < 25 ? "w" + i : i.ToString(System.Globalization.CultureInfo.InvariantCulture)) + ",x");
        project.Write("data.csv", "code,label\n" + string.Join("\n", rows) + "\n");
        var schema = project.Infer(project.WriteSpec());
        Assert.Equal("categorical", schema.Find("code")!.Type);
        Assert.Empty(schema.Diagnostics);
    }

    [Fact]
    public void Declaring_the_column_numeric_or_the_token_missing_silences_PG0140()
    {
        using var project = new TempProject();
        project.Write("data.csv", FareFile((11, "abc")));

        var declared = project.Infer(project.WriteSpec(kind: "binary", dataExtra: "columns:\n  fare: { type: numeric }"));
        Assert.DoesNotContain(declared.Diagnostics, d => d.Id == "PG0140");
        // The declared type still says which sampled value will be read as missing.
        Assert.Contains(declared.Diagnostics, d => d.Id == "PG0108" && d.Message.Contains("'abc'") && d.Span.StartLine == 13);
        // ... and reads it as missing, as the run will: the column is numbers with one missing value.
        Assert.Equal("numeric", declared.Find("fare")!.Type);
        Assert.Equal(1, declared.Find("fare")!.MissingCount);
        Assert.Equal(29, declared.Find("fare")!.DistinctCount);

        // A column the spec declares categorical is what the user wants: nothing to warn about.
        Assert.Empty(project.Infer(project.WriteSpec(kind: "binary", dataExtra: "columns:\n  fare: { type: categorical }")).Diagnostics);

        var token = project.Infer(project.WriteSpec(kind: "binary", dataExtra: "missing_values: ['', 'abc']"));
        Assert.Empty(token.Diagnostics);
        Assert.Equal("numeric", token.Find("fare")!.Type);
        Assert.Equal(1, token.Find("fare")!.MissingCount);
    }
}
