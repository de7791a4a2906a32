using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>The ways <see cref="Mutator"/> breaks a source, each modelled on half-typed code in an editor.</summary>
public enum MutationKind
{
    DeleteToken,
    Truncate,
    DropClosingBrace,
    DuplicateLine,
    MissingIdentifier,
    DeleteLine,
    InsertToken,
}

/// <summary>One mutated source: where it came from and how it was made (enough to describe it in a failure).</summary>
public sealed record Variant(int Index, SourceFile Source, MutationKind Kind, string Description, string Text);

/// <summary>
/// Derives mutated variants of a set of sources deterministically: variant <c>i</c> under seed <c>s</c> is always the
/// same text (given the same sources), so a failure can be replayed from the seed and the index alone.
/// </summary>
public sealed class Mutator
{
    private static readonly string[] Insertions = { "(", ")", "{", "}", ";", ",", "await ", "=> ", "new ", "[", "]", "<", ">", "?", "\"", "'", "/*", "#if X\n", "ref ", "out " };

    private readonly IReadOnlyList<SourceFile> _sources;
    private readonly int _seed;
    private readonly Dictionary<SourceFile, SyntaxToken[]> _tokens = new();

    public Mutator(IReadOnlyList<SourceFile> sources, int seed)
    {
        _sources = sources;
        _seed = seed;
    }

    public Variant Create(int index)
    {
        var random = new Random(unchecked((_seed * 7919) + index));
        var source = _sources[index % _sources.Count];
        var text = source.Text;
        var kind = (MutationKind)random.Next(Enum.GetValues<MutationKind>().Length);
        SyntaxToken[] tokens;
        lock (_tokens)
        {
            if (!_tokens.TryGetValue(source, out tokens!))
            {
                tokens = CSharpSyntaxTree.ParseText(text, Harness.ParseOptions).GetRoot().DescendantTokens().Where(t => t.Span.Length > 0).ToArray();
                _tokens[source] = tokens;
            }
        }

        if (tokens.Length == 0 || text.Length == 0)
        {
            return new Variant(index, source, kind, "unchanged (empty source)", text);
        }

        switch (kind)
        {
            case MutationKind.DeleteToken:
                {
                    var token = tokens[random.Next(tokens.Length)];
                    return Make(index, source, kind, $"delete '{token.Text}' at {token.SpanStart}", Replace(text, token.Span.Start, token.Span.Length, ""));
                }

            case MutationKind.Truncate:
                {
                    var at = random.Next(text.Length);
                    return Make(index, source, kind, $"truncate at {at}", text.Substring(0, at));
                }

            case MutationKind.DropClosingBrace:
                {
                    var braces = tokens.Where(t => t.IsKind(SyntaxKind.CloseBraceToken)).ToArray();
                    if (braces.Length == 0)
                    {
                        goto case MutationKind.DeleteToken;
                    }

                    var brace = braces[random.Next(braces.Length)];
                    return Make(index, source, kind, $"drop '}}' at {brace.SpanStart}", Replace(text, brace.SpanStart, 1, ""));
                }

            case MutationKind.DuplicateLine:
            case MutationKind.DeleteLine:
                {
                    var lines = text.Split('\n').ToList();
                    var line = random.Next(lines.Count);
                    if (kind == MutationKind.DuplicateLine)
                    {
                        lines.Insert(line, lines[line]);
                    }
                    else
                    {
                        lines.RemoveAt(line);
                    }

                    return Make(index, source, kind, $"{(kind == MutationKind.DuplicateLine ? "duplicate" : "delete")} line {line + 1}", string.Join("\n", lines));
                }

            case MutationKind.MissingIdentifier:
                {
                    var identifiers = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToArray();
                    if (identifiers.Length == 0)
                    {
                        goto case MutationKind.DeleteToken;
                    }

                    var identifier = identifiers[random.Next(identifiers.Length)];
                    return Make(index, source, kind, $"'{identifier.Text}' at {identifier.SpanStart} -> 'Missing{index}'", Replace(text, identifier.SpanStart, identifier.Span.Length, "Missing" + index));
                }

            default:
                {
                    var token = tokens[random.Next(tokens.Length)];
                    var insertion = Insertions[random.Next(Insertions.Length)];
                    return Make(index, source, kind, $"insert '{insertion.Trim()}' before {token.SpanStart}", Replace(text, token.SpanStart, 0, insertion));
                }
        }
    }

    private static Variant Make(int index, SourceFile source, MutationKind kind, string description, string text) =>
        new(index, source, kind, description, text);

    private static string Replace(string text, int start, int length, string replacement) =>
        string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(start + length));
}
