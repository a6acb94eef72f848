using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using Xunit;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// Issue #8: the model's loader, the run's checks and the build read a value the same way (src/Shared); issue #9: a
/// column the spec declares numeric reads values that are not numbers as missing, counted.
/// </summary>
public class ValueReadingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    public void Dispose() => _dir.Dispose();

    // UCI Adult's layout (a space after each comma), plus what else the loader's own parser reads differently:
    // trailing blanks, a tab, a quote after blanks, text after a closing quote, a quoted number with blanks, a numeric
    // missing token written like a number (-1) and a junk number.
    private const string Messy =
        "age,workclass,note,income\n" +
        "39, State-gov, plain , <=50K\n" +
        "50,  Self-emp ,\" quoted, with comma \", >50K\n" +
        "\" 38 \",\tPrivate\t,\"q\"tail, >50K\n" +
        "-1, ?,x, <=50K\n" +
        "abc, Private,\"say \"\"hi\"\"\",>50K \n";

    private static PipelineSettings Settings(string path, bool ageDeclaredNumeric = false, BadRowPolicy policy = BadRowPolicy.Fail) => new()
    {
        Name = "Adult",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "income",
        PositiveClass = ">50K",
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = path,
        BadRows = policy,
        MissingValueTokens = ["", "?", "-1"],
        Columns =
        [
            new ColumnInfo("age", 0, "Age", ColumnKind.Numeric, ColumnRole.Feature, true, UnparsableAsMissing: ageDeclaredNumeric),
            TestPipeline.Column("workclass", 1, ColumnKind.Categorical),
            TestPipeline.Column("note", 2, ColumnKind.Categorical),
            TestPipeline.Column("income", 3, ColumnKind.Categorical, ColumnRole.Label),
        ],
    };

    private static TextLoader.Options Options(PipelineSettings settings) => new()
    {
        Separators = [settings.Separator],
        HasHeader = true,
        AllowQuoting = true,
        MissingRealsAsNaNs = true,
        Columns =
        [
            new("age", DataKind.Single, 0),
            new("workclass", DataKind.String, 1),
            new("note", DataKind.String, 2),
            new("income", DataKind.String, 3),
        ],
    };

    private static (List<float> Age, List<string> Workclass, List<string> Note, List<string> Income) ReadAll(IDataView data)
    {
        var result = (new List<float>(), new List<string>(), new List<string>(), new List<string>());
        using var cursor = data.GetRowCursor(data.Schema);
        var age = cursor.GetGetter<float>(data.Schema["age"]);
        var texts = new[] { "workclass", "note", "income" }.Select(n => cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[n])).ToArray();
        while (cursor.MoveNext())
        {
            float a = 0;
            age(ref a);
            result.Item1.Add(a);
            var lists = new[] { result.Item2, result.Item3, result.Item4 };
            for (int i = 0; i < texts.Length; i++)
            {
                ReadOnlyMemory<char> v = default;
                texts[i](ref v);
                lists[i].Add(v.ToString());
            }
        }
        return result;
    }

    [Fact]
    public void The_loader_sees_each_value_as_the_shared_reading_reads_it()
    {
        string path = _dir.Write("adult.csv", Messy);
        var settings = Settings(path);
        var (age, workclass, note, income) = ReadAll(DelimitedData.Load(new MLContext(1), Options(settings), path, settings));

        Assert.Equal(new[] { "<=50K", ">50K", ">50K", "<=50K", ">50K" }, income);
        Assert.Equal(new[] { "State-gov", "Self-emp", "Private", "?", "Private" }, workclass);
        Assert.Equal(new[] { "plain", " quoted, with comma ", "qtail", "x", "say \"hi\"" }, note);
        // " 38 " is a number; -1 is a missing token here; "abc" is not a number: both read as missing (NaN).
        Assert.Equal(new[] { 39f, 50f, 38f, float.NaN, float.NaN }, age);
    }

    [Fact]
    public void Without_the_shared_reading_mlnets_own_parser_reads_these_values_differently()
    {
        // Why DelimitedData exists: measured on ML.NET 5.0.1. If this starts failing, the loader changed and
        // NormalizedTextSource may no longer be needed for the case that changed.
        string path = _dir.Write("adult.csv", Messy);
        var (age, workclass, note, income) = ReadAll(new MLContext(1).Data.LoadFromTextFile(path, Options(Settings(path))));

        Assert.Equal(">50K ", income[4]);          // trailing blank kept
        Assert.Equal("Self-emp ", workclass[1]);   // trailing blank kept
        Assert.Equal("\tPrivate\t", workclass[2]); // tabs kept
        Assert.Equal("", note[2]);                 // text after the closing quote drops the whole value
        Assert.True(float.IsNaN(age[2]));          // a quoted number with blanks is not read
        Assert.Equal(-1f, age[3]);                 // the missing token -1 is read as the number -1
    }

    [Fact]
    public void A_positive_class_written_after_a_comma_and_a_space_is_found()
    {
        // The defect: the run trimmed, the build did not, so ">50K" failed the build and " >50K" failed the run.
        string path = _dir.Write("adult.csv", Messy);
        var scan = DataScan.Run(Settings(path, ageDeclaredNumeric: true), path);

        Assert.Empty(scan.Errors);
        Assert.Equal(new[] { "<=50K", ">50K" }, scan.LabelCounts.Select(kv => kv.Key));
        Assert.Equal(new long[] { 2, 3 }, scan.LabelCounts.Select(kv => kv.Value));
        Assert.Equal(0, scan.BadRowCount);
    }

    [Fact]
    public void A_declared_numeric_column_reads_values_that_are_not_numbers_as_missing_and_counts_them()
    {
        string path = _dir.Write("fare.csv", "age,workclass,note,income\n1,a,x,>50K\nabc,a,x,<=50K\n3,b,x,>50K\n-,b,x,<=50K\n5,a,x,>50K\n");
        var scan = DataScan.Run(Settings(path, ageDeclaredNumeric: true), path);

        Assert.Equal(0, scan.BadRowCount);
        Assert.Empty(scan.Problems);
        var warning = Assert.Single(scan.Warnings, w => w.Contains("'age'", StringComparison.Ordinal));
        Assert.Equal("column 'age' is declared numeric: 2 value(s) that are not numbers were read as missing (first at line 3, column 1: 'abc').", warning);
        scan.ThrowIfInvalid(BadRowPolicy.Fail); // not bad rows: the spec said how to read them
    }

    [Fact]
    public void An_inferred_numeric_column_with_a_value_that_is_not_a_number_is_a_located_bad_row_that_says_how_to_read_it_as_missing()
    {
        string path = _dir.Write("fare.csv", "age,workclass,note,income\n1,a,x,>50K\n2,a,x,<=50K\n3 ,b,x,>50K\n x4,b,x,<=50K\n");
        var scan = DataScan.Run(Settings(path), path);

        var problem = Assert.Single(scan.Problems);
        Assert.Equal((RowProblemKind.UnparsableNumber, 5L, 1, "age"), (problem.Kind, problem.LineNumber, problem.ColumnNumber, problem.ColumnName));
        Assert.Contains("'x4' is not a number", problem.Message);
        Assert.Contains("age: { type: numeric }", problem.FixHint);
        Assert.Throws<DataValidationException>(() => scan.ThrowIfInvalid(BadRowPolicy.Fail));
    }

    [Fact]
    public void Missing_tokens_are_exact_in_the_run_as_in_the_build()
    {
        // " ?" (blank dropped), a quoted "?", a blank value and "NA" are all missing ...
        string all = _dir.Write("all.csv", "age,workclass,note,income\n1, ?,x,>50K\n2,\"?\",x,<=50K\n3,  ,x,>50K\n4,NA,x,<=50K\n");
        var settings = Settings(all) with { MissingValueTokens = ["", "?", "NA"] };
        Assert.Contains("column 'workclass' is missing in every row: it carries no information (set its role to ignore).", DataScan.Run(settings, all).Warnings);

        // ... but "nA" is a value: tokens match case-sensitively, as the model's categorical step compares them.
        string one = _dir.Write("one.csv", "age,workclass,note,income\n1, ?,x,>50K\n2,\"?\",x,<=50K\n3,  ,x,>50K\n4,nA,x,<=50K\n");
        Assert.DoesNotContain(DataScan.Run(settings with { TrainDataPath = one }, one).Warnings, w => w.Contains("workclass", StringComparison.Ordinal));
    }

    [Fact]
    public void A_columns_own_missing_token_is_missing_in_that_column_only_in_the_scan_and_the_loader()
    {
        // pdays codes an unknown value as -1 (and 'unknown'); in balance -1 is a real value.
        string path = _dir.Write("bank.csv", "pdays,balance,y\n-1,-1,no\n-1,5,yes\nunknown,-1,no\n");
        var settings = new PipelineSettings
        {
            Name = "Bank",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "y",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = path,
            MissingValueTokens = ["", "?"],
            Columns =
            [
                new ColumnInfo("pdays", 0, "Pdays", ColumnKind.Numeric, ColumnRole.Feature, true) { MissingTokens = ["-1", "unknown"] },
                new ColumnInfo("balance", 1, "Balance", ColumnKind.Numeric, ColumnRole.Feature, false),
                TestPipeline.Column("y", 2, ColumnKind.Categorical, ColumnRole.Label),
            ],
        };
        Assert.Equal(new[] { "", "?", "-1", "unknown" }, settings.MissingTokensOf("pdays"));
        Assert.Equal(new[] { "", "?" }, settings.MissingTokensOf("balance"));

        var scan = DataScan.Run(settings, path);
        scan.ThrowIfInvalid(BadRowPolicy.Fail); // 'unknown' is missing in pdays, not a bad row
        Assert.Contains("column 'pdays' is missing in every row: it carries no information (set its role to ignore).", scan.Warnings);
        Assert.DoesNotContain(scan.Warnings, w => w.Contains("'balance'", StringComparison.Ordinal));

        var options = new TextLoader.Options
        {
            Separators = [','], HasHeader = true, AllowQuoting = true, MissingRealsAsNaNs = true,
            Columns = [new("pdays", DataKind.Single, 0), new("balance", DataKind.Single, 1), new("y", DataKind.String, 2)],
        };
        var data = DelimitedData.Load(new MLContext(1), options, path, settings);
        Assert.Equal(new[] { float.NaN, float.NaN, float.NaN }, data.GetColumn<float>("pdays"));
        Assert.Equal(new[] { -1f, 5f, -1f }, data.GetColumn<float>("balance"));

        // The same word in balance, where it is no token, is a located bad row that names balance's tokens only.
        string other = _dir.Write("bank2.csv", "pdays,balance,y\n3,unknown,no\n");
        var problem = Assert.Single(DataScan.Run(settings with { TrainDataPath = other }, other).Problems);
        Assert.Equal((RowProblemKind.UnparsableNumber, 2L, 2, "balance"), (problem.Kind, problem.LineNumber, problem.ColumnNumber, problem.ColumnName));
        Assert.Contains("mark a missing value with one of: '', '?';", problem.FixHint);
    }

    [Fact]
    public void The_training_profile_counts_a_categorical_columns_own_token_as_missing_there_only()
    {
        // job codes an unknown value as 'unknown'; in edu 'unknown' is a category like any other.
        string path = _dir.Write("jobs.csv", "job,edu,y\nadmin,unknown,no\nunknown,primary,yes\ntechnician,unknown,no\n");
        var settings = new PipelineSettings
        {
            Name = "Bank",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "y",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = path,
            MissingValueTokens = [""],
            Columns =
            [
                TestPipeline.Column("job", 0, ColumnKind.Categorical) with { MissingTokens = ["unknown"] },
                TestPipeline.Column("edu", 1, ColumnKind.Categorical),
                TestPipeline.Column("y", 2, ColumnKind.Categorical, ColumnRole.Label),
            ],
        };
        var options = new TextLoader.Options
        {
            Separators = [','], HasHeader = true, AllowQuoting = true,
            Columns = [new("job", DataKind.String, 0), new("edu", DataKind.String, 1), new("y", DataKind.String, 2)],
        };
        var profile = PipelineGen.Runtime.Training.TrainingProfile.Compute(settings, DelimitedData.Load(new MLContext(1), options, path, settings), "sha");

        Assert.Equal(1L, profile.Columns["job"].Missing);
        Assert.Equal(new[] { "admin", "technician" }, profile.Columns["job"].Categories!.Order(StringComparer.Ordinal));
        Assert.Equal(0L, profile.Columns["edu"].Missing);
        Assert.Equal(new[] { "primary", "unknown" }, profile.Columns["edu"].Categories!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_first_value_that_starts_with_two_slashes_once_read_stays_a_row()
    {
        // The loader skips lines starting with "//" as comments; the shared reading drops blanks and quotes, which could
        // turn ' //x' or '"//x"' into such a line and lose the row. Each must come out as a row with its value.
        var path = _dir.Write("slashes.csv", "workclass,age,note,income\n //x,30,a,>50K\n\"//y\",31,b,<=50K\nplain,32,c,>50K\n");
        var settings = Settings(path) with
        {
            Columns =
            [
                TestPipeline.Column("workclass", 0, ColumnKind.Categorical),
                new ColumnInfo("age", 1, "Age", ColumnKind.Numeric, ColumnRole.Feature, true),
                TestPipeline.Column("note", 2, ColumnKind.Categorical),
                TestPipeline.Column("income", 3, ColumnKind.Categorical, ColumnRole.Label),
            ],
        };
        var options = Options(settings);
        options.Columns = [new("workclass", DataKind.String, 0), new("age", DataKind.Single, 1), new("note", DataKind.String, 2), new("income", DataKind.String, 3)];
        var data = DelimitedData.Load(new MLContext(1), options, path, settings);
        var workclass = data.GetColumn<ReadOnlyMemory<char>>("workclass").Select(v => v.ToString()).ToList();
        Assert.Equal(["//x", "//y", "plain"], workclass);
    }

    [Fact]
    public void Lines_with_and_without_quotes_are_normalised_alike()
    {
        // The loader's feed takes a quote-free shortcut; a quote anywhere in the line takes the general path. The same
        // values must come out either way: each row is written twice, the second time with its last value quoted.
        string[] ages = ["39", " 40 ", "\t41", "1e1", "+7", "2.50 ", "-1", "NA", "abc", "", " ", "-", "0.5e-1"];
        string[] words = ["Private", " Self-emp ", "?", "", "a b", "x\t"];
        var lines = new List<string> { "age,workclass,note,income" };
        int n = 0;
        foreach (var age in ages)
            foreach (var word in words)
            {
                string income = n++ % 2 == 0 ? ">50K" : " <=50K ";
                lines.Add($"{age},{word},plain,{income}");
                lines.Add($"{age},{word},plain,\"{income.Trim()}\"");
            }
        string path = _dir.Write("pairs.csv", string.Join("\n", lines) + "\n");
        var settings = Settings(path);
        var (age_, workclass, note, income_) = ReadAll(DelimitedData.Load(new MLContext(1), Options(settings), path, settings));

        Assert.Equal(2 * ages.Length * words.Length, age_.Count);
        for (int i = 0; i < age_.Count; i += 2)
        {
            Assert.Equal(age_[i], age_[i + 1]);
            Assert.Equal(workclass[i], workclass[i + 1]);
            Assert.Equal(income_[i], income_[i + 1]);
        }
        // And what comes out is the shared reading: blanks gone, -1/NA/abc/"-" missing, 1e1 and +7 numbers.
        var firstOfEachAge = Enumerable.Range(0, ages.Length).Select(a => age_[2 * a * words.Length]).ToArray();
        Assert.Equal(new[] { 39f, 40f, 41f, 10f, 7f, 2.5f, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, 0.05f }, firstOfEachAge);
        Assert.Equal(new[] { "Private", "Self-emp", "?", "", "a b", "x" }, workclass.Take(2 * words.Length).Where((_, i) => i % 2 == 0));
        Assert.All(income_, v => Assert.True(v is ">50K" or "<=50K", v));
    }

    [Fact]
    public void Quoted_text_values_the_loader_reads_alike_pass_through_and_the_rest_are_rewritten()
    {
        // Files like Titanic's quote every name. Those lines reach the loader untouched (no rewrite, the fast path);
        // a quote the loader could read differently still takes the rewrite. Either way the values are the shared reading.
        string[] lines =
        [
            "age,workclass,note,income",
            "39,\"Braund, Mr. Owen\",plain,>50K",          // pass: separator inside quotes
            "40,Private,\"Smith\",\"<=50K\"",               // pass: quoted at the end of the line
            "41,\"//z\",n,>50K",                            // pass: not first, so no comment risk
            "42,\" lead\",n,>50K",                          // rewrite: a blank inside the quotes (kept, as quoted)
            "43,\"a\"\"b\",n,>50K",                         // rewrite: a doubled quote inside
            "44,\"q\"tail,n,>50K",                          // rewrite: text after the closing quote
            "\"45\",Private,n,>50K",                        // rewrite: a quoted number
            "46,\"\",n,>50K",                               // rewrite: empty quotes
            "47,Pri\"vate,n,>50K",                           // rewrite: a quote inside an unquoted value
        ];
        string path = _dir.Write("quoted.csv", string.Join("\n", lines) + "\n");
        var settings = Settings(path);
        var normalizer = LineNormalizer.For(settings);
        bool[] passes = [true, true, true, false, false, false, false, false, false];
        for (int i = 0; i < passes.Length; i++)
            Assert.True(ReferenceEquals(lines[i + 1], normalizer.Normalize(lines[i + 1])) == passes[i], lines[i + 1]);

        var (age, workclass, note, income) = ReadAll(DelimitedData.Load(new MLContext(1), Options(settings), path, settings));
        Assert.Equal(new[] { 39f, 40f, 41f, 42f, 43f, 44f, 45f, 46f, 47f }, age);
        Assert.Equal(new[] { "Braund, Mr. Owen", "Private", "//z", " lead", "a\"b", "qtail", "Private", "", "Pri\"vate" }, workclass);
        Assert.Equal(new[] { "plain", "Smith", "n", "n", "n", "n", "n", "n", "n" }, note);
        Assert.Equal(new[] { ">50K", "<=50K", ">50K", ">50K", ">50K", ">50K", ">50K", ">50K", ">50K" }, income);
    }
}
