using System.Net;
using System.Text;

namespace LoraLab.Reports;

/// <summary>
/// A self-contained HTML report: headings, paragraphs, preformatted text, tables and figures embedded as base64 PNG
/// (or inline SVG). No external assets, so the file can be mailed or archived on its own.
/// </summary>
public sealed class HtmlReport(string title)
{
    readonly StringBuilder _body = new();

    public string Title { get; } = title;

    public HtmlReport Heading(string text, int level = 2)
    {
        _body.Append($"<h{level}>{Encode(text)}</h{level}>\n");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        _body.Append($"<p>{Encode(text)}</p>\n");
        return this;
    }

    public HtmlReport Preformatted(string text)
    {
        _body.Append($"<pre>{Encode(text)}</pre>\n");
        return this;
    }

    public HtmlReport Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append("<table>\n<tr>");
        foreach (var h in headers) _body.Append($"<th>{Encode(h)}</th>");
        _body.Append("</tr>\n");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row) _body.Append($"<td>{Encode(cell)}</td>");
            _body.Append("</tr>\n");
        }
        _body.Append("</table>\n");
        return this;
    }

    public HtmlReport FigurePng(byte[] png, string caption)
    {
        _body.Append($"<figure><img alt=\"{Encode(caption)}\" " +
                     $"src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/>");
        _body.Append($"<figcaption>{Encode(caption)}</figcaption></figure>\n");
        return this;
    }

    public HtmlReport FigureSvg(string svg, string caption)
    {
        _body.Append($"<figure>{svg}<figcaption>{Encode(caption)}</figcaption></figure>\n");
        return this;
    }

    public string Render() =>
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>" +
        $"<title>{Encode(Title)}</title><style>{Style}</style></head>\n" +
        $"<body>\n<h1>{Encode(Title)}</h1>\n{_body}</body></html>\n";

    public void Save(string path) => File.WriteAllText(path, Render(), new UTF8Encoding(false));

    static string Encode(string text) => WebUtility.HtmlEncode(text);

    const string Style =
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}" +
        "th{background:#f3f3f3}pre{background:#f7f7f7;padding:8px;overflow-x:auto}" +
        "figure{display:inline-block;margin:8px}figcaption{font-size:90%;color:#555;max-width:640px}";
}
