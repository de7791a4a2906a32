using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes;

/// <summary>
/// Builds generated statements as text at an exact indentation, re-indenting the user's own statements that move
/// into them, so the result needs no formatter pass and keeps the user's comments and line breaks.
/// </summary>
internal sealed class CodeText
{
    private readonly StringBuilder _text = new();
    private readonly string _baseIndent;
    private readonly string _unit;
    private int _level;

    public CodeText(string baseIndent, string unit)
    {
        _baseIndent = baseIndent;
        _unit = unit;
    }

    /// <summary>Indentation of <paramref name="statement"/>'s line, and one indentation unit of the document.</summary>
    public static CodeText At(StatementSyntax statement)
    {
        var indent = IndentOf(statement);
        var unit = "    ";
        if (statement.Parent is BlockSyntax block)
        {
            var outer = IndentOf(block);
            if (indent.Length > outer.Length && indent.StartsWith(outer, StringComparison.Ordinal))
            {
                unit = indent.Substring(outer.Length);
            }
        }

        return new CodeText(indent, unit);
    }

    public static string IndentOf(SyntaxNode node)
    {
        var leading = node.GetLeadingTrivia();
        for (var i = leading.Count - 1; i >= 0; i--)
        {
            if (leading[i].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                return leading[i].ToString();
            }

            if (leading[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                break;
            }
        }

        return "";
    }

    public CodeText Line(string line)
    {
        _text.Append(_baseIndent);
        for (var i = 0; i < _level; i++)
        {
            _text.Append(_unit);
        }

        _text.Append(line).Append('\n');
        return this;
    }

    public CodeText Open()
    {
        Line("{");
        _level++;
        return this;
    }

    public CodeText Close(string suffix = "")
    {
        _level--;
        return Line("}" + suffix);
    }

    /// <summary>Appends the statements at the current level, keeping their relative indentation.</summary>
    public CodeText Statements(IEnumerable<StatementSyntax> statements)
    {
        foreach (var statement in statements)
        {
            var lines = statement.ToFullString().Replace("\r\n", "\n").TrimEnd('\n', ' ', '\t').Split('\n');
            var common = int.MaxValue;
            foreach (var line in lines)
            {
                if (line.Trim().Length > 0)
                {
                    common = Math.Min(common, line.Length - line.TrimStart(' ', '\t').Length);
                }
            }

            foreach (var line in lines)
            {
                if (line.Trim().Length == 0)
                {
                    _text.Append('\n');
                }
                else
                {
                    Line(line.Substring(common));
                }
            }
        }

        return this;
    }

    /// <summary>Statements whose text may be re-indented: none holds a string literal spanning lines.</summary>
    public static bool CanReindent(IEnumerable<StatementSyntax> statements)
    {
        foreach (var statement in statements)
        {
            foreach (var token in statement.DescendantTokens())
            {
                if (token.Span.Length > 0 && token.ToString().IndexOf('\n') >= 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public override string ToString() => _text.ToString();
}
