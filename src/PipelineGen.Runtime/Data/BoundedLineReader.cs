using System.Globalization;
using System.Text;

namespace PipelineGen.Runtime.Data;

/// <summary>
/// <see cref="TextReader.ReadLine"/> with a limit: a line longer than the limit (a file without line breaks, a binary
/// file) is bad input naming the file and line instead of a string that grows until memory runs out. Line breaks are
/// LF, CRLF or CR, as for <see cref="TextReader.ReadLine"/> and ML.NET's loader.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, string path, int maxCharacters) : IDisposable
{
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _line = new();
    private int _length, _position;
    private long _lineNumber;

    public string? ReadLine()
    {
        _line.Clear();
        var sawAny = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    if (!sawAny) return null;
                    _lineNumber++;
                    return _line.ToString();
                }
            }
            sawAny = true;
            var start = _position;
            while (_position < _length && _buffer[_position] is not ('\n' or '\r')) _position++;
            if ((long)_line.Length + (_position - start) > maxCharacters)
                throw new DataValidationException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: line {_lineNumber + 1} is longer than {maxCharacters} characters. Fix: check that this is a delimited text file with line breaks and the spec's separator; PipelineGen does not read lines that long."), []);
            _line.Append(_buffer, start, _position - start);
            if (_position == _length) continue;

            var newline = _buffer[_position++];
            if (newline == '\r')
            {
                if (_position == _length)
                {
                    _length = reader.Read(_buffer, 0, _buffer.Length);
                    _position = 0;
                }
                if (_position < _length && _buffer[_position] == '\n') _position++;
            }
            _lineNumber++;
            return _line.ToString();
        }
    }

    public void Dispose() => reader.Dispose();
}
