using PipelineGen.Tool.Csv;
using Xunit;

namespace PipelineGen.Tool.Tests;

public class ReaderTests
{
    private static List<DelimitedRecord> ReadAll(string text, char separator = ',')
    {
        using var reader = new DelimitedReader(new StringReader(text), separator);
        var records = new List<DelimitedRecord>();
        while (reader.TryRead(out var record)) records.Add(record);
        Assert.True(reader.AtEnd);
        Assert.Equal(text.Length, reader.CharactersRead);
        return records;
    }

    [Fact]
    public void Counts_lines_for_lf_crlf_and_cr_and_skips_blank_and_comment_lines()
    {
        var records = ReadAll("a,b\r\n\r\n1,2\n// note\r3,4\r5,6");
        Assert.Equal(new[] { 1, 3, 5, 6 }, records.Select(r => r.Line));
        Assert.Equal(new[] { "5", "6" }, records[^1].Fields);
        Assert.Equal(new long[] { 0, 7, 19, 23 }, records.Select(r => r.LineOffset));
    }

    [Fact]
    public void Splits_quoted_fields_like_the_ml_net_loader()
    {
        var record = ReadAll("\"a,b\",\"x\"\"y\",\"q\"tail,,last\n").Single();
        Assert.Equal(new[] { "a,b", "x\"y", "qtail", "", "last" }, record.Fields);
        Assert.Equal(new[] { 1, 7, 14, 22, 23 }, record.FieldStarts.Select(p => p.Column));
        Assert.Equal(27, record.End.Column);
        Assert.False(record.HasUnclosedQuote);
    }

    [Fact]
    public void A_trailing_separator_makes_an_empty_last_field()
    {
        Assert.Equal(new[] { "1", "" }, ReadAll("1,\n").Single().Fields);
    }

    [Fact]
    public void Reports_where_an_unclosed_quote_opens()
    {
        var record = ReadAll("1,2,\"open\n").Single();
        Assert.True(record.HasUnclosedQuote);
        Assert.Equal(new DataPosition(1, 5, 4), record.UnclosedQuote);
    }

    [Fact]
    public void Reads_tab_separated_lines_across_buffer_boundaries()
    {
        var line = string.Join("\t", Enumerable.Range(0, 20000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var records = ReadAll(line + "\r\n" + line + "\r\n", '\t');
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(20000, r.Fields.Count));
        Assert.Equal(2, records[1].Line);
    }

    [Fact]
    public void A_field_after_a_line_break_inside_quotes_is_located_on_its_own_line()
    {
        // One record on lines 2-4 (CRLF: offsets count both characters); 7 and "q" start on line 4, not on the record's line 2.
        var records = ReadAll("a,b,c\r\n1,\"one\r\n\"\"x\"\"\r\ntwo\", 7 ,\"q\"\r\n");
        var record = records[1];
        Assert.Equal(2, record.Line);
        Assert.Equal(new[] { "1", "one\n\"x\"\ntwo", "7", "q" }, record.Fields);
        Assert.Equal(new[] { new DataPosition(2, 1, 7), new DataPosition(2, 3, 9), new DataPosition(4, 7, 28), new DataPosition(4, 10, 31) }, record.FieldStarts);
        Assert.Equal(new DataPosition(4, 13, 34), record.End);
    }
}
