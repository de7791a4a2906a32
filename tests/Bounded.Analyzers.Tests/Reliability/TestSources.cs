using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// Every C# source the repository's tests use: the corpus, the end-to-end consumer, the showcase sample, any
/// source folder of the analyzer tests, and the raw string literals embedded in the test files (markup removed;
/// member-only snippets wrapped in a class).
/// </summary>
public static class TestSources
{
    private static readonly Lazy<IReadOnlyList<SourceFile>> LazyCorpus = new(() => ReadFolder(Path.Combine("tests", "Bounded.Analyzers.Tests", "Corpus")));
    private static readonly Lazy<IReadOnlyList<SourceFile>> LazyAll = new(LoadAll);

    /// <summary>The realistic corpus under tests/Bounded.Analyzers.Tests/Corpus, in path order.</summary>
    public static IReadOnlyList<SourceFile> Corpus => LazyCorpus.Value;

    /// <summary>Every test source, in a stable order (so a seed and an index name one variant).</summary>
    public static IReadOnlyList<SourceFile> All => LazyAll.Value;

    private static readonly Lazy<IReadOnlyList<SourceFile>> LazyMutationSources = new(LoadMutationSources);

    /// <summary>
    /// What the mutation test breaks: every test source, with each corpus file split into one source per top-level
    /// type (its usings and namespace kept), so a variant compiles a class, not a whole subsystem. The stubs are
    /// left out (the mutation test references them compiled).
    /// </summary>
    public static IReadOnlyList<SourceFile> MutationSources => LazyMutationSources.Value;

    /// <summary>Sources that are whole files (not extracted from string literals).</summary>
    public static IEnumerable<SourceFile> Files => All.Where(s => !s.Name.Contains('#', StringComparison.Ordinal));

    private static IReadOnlyList<SourceFile> LoadMutationSources()
    {
        var sources = new List<SourceFile>();
        foreach (var source in All)
        {
            if (!source.Name.StartsWith("tests/Bounded.Analyzers.Tests/Corpus/", StringComparison.Ordinal))
            {
                sources.Add(source);
                continue;
            }

            if (source.Name.EndsWith("FrameworkStubs.cs", StringComparison.Ordinal))
            {
                continue;
            }

            var root = (Microsoft.CodeAnalysis.CSharp.Syntax.CompilationUnitSyntax)Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source.Text).GetRoot();
            var usings = string.Concat(root.Usings.Select(u => u.ToFullString()));
            foreach (var ns in root.Members.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.BaseNamespaceDeclarationSyntax>())
            {
                foreach (var type in ns.Members)
                {
                    var text = usings + "\nnamespace " + ns.Name + "\n{\n" + type.ToFullString() + "}\n";
                    sources.Add(new SourceFile($"{source.Name}#{ns.Members.IndexOf(type)}-{(type as Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax)?.Identifier.Text}", text));
                }
            }
        }

        return sources;
    }

    private static IReadOnlyList<SourceFile> LoadAll()
    {
        var sources = new List<SourceFile>();
        sources.AddRange(Corpus);
        sources.AddRange(ReadFolder(Path.Combine("tests", "Bounded.EndToEnd.Tests", "Consumer")));
        sources.AddRange(ReadFolder(Path.Combine("samples", "Showcase")));
        var testRoot = Path.Combine(TestEnvironment.RepoRoot, "tests", "Bounded.Analyzers.Tests");
        foreach (var folder in Directory.GetDirectories(testRoot, "*", SearchOption.AllDirectories)
                     .Where(d => Path.GetFileName(d) is "Sources")
                     .OrderBy(d => d, StringComparer.Ordinal))
        {
            sources.AddRange(ReadFolder(Path.GetRelativePath(TestEnvironment.RepoRoot, folder)));
        }

        foreach (var file in TestFiles())
        {
            var relative = Relative(file);
            var text = File.ReadAllText(file);
            var literals = RawStringLiterals(text).ToList();

            // A wrapper template: a literal, "+ members +", a literal. Member-only snippets of the file go inside it.
            string? prefix = null, suffix = null;
            for (var i = 0; i + 1 < literals.Count; i++)
            {
                var between = text.Substring(literals[i].End, literals[i + 1].Start - literals[i].End);
                if (Regex.IsMatch(between, @"^\s*\+\s*\w+\s*\+\s*$"))
                {
                    prefix = literals[i].Body;
                    suffix = literals[i + 1].Body;
                    literals.RemoveRange(i, 2);
                    break;
                }
            }

            var index = 0;
            foreach (var literal in literals)
            {
                var snippet = WithoutMarkup(literal.Body);
                var isWholeFile = Regex.IsMatch(snippet, @"\b(class|struct|record|interface|namespace)\s+\w");
                if (!isWholeFile && !Regex.IsMatch(snippet, @"\b(void|Task|async)\b"))
                {
                    continue; // not C# (an editorconfig, a message)
                }

                var source = isWholeFile ? snippet
                    : prefix is not null ? prefix + snippet + suffix
                    : SnippetPrelude + "\npublic partial class Snippet\n{\n" + snippet + "\n}\n";
                sources.Add(new SourceFile($"{relative}#{index++}", source));
            }
        }

        return sources;
    }

    /// <summary>The usings a member-only snippet gets, matching what the tests' own wrappers import.</summary>
    private const string SnippetPrelude = """
        using System;
        using System.Buffers;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        """;

    private static IEnumerable<string> TestFiles()
    {
        var root = Path.Combine(TestEnvironment.RepoRoot, "tests", "Bounded.Analyzers.Tests");
        return Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "Corpus" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "Reliability" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal);
    }

    private static IReadOnlyList<SourceFile> ReadFolder(string relativeFolder)
    {
        var folder = Path.Combine(TestEnvironment.RepoRoot, relativeFolder);
        if (!Directory.Exists(folder))
        {
            return Array.Empty<SourceFile>();
        }

        return Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new SourceFile(Relative(f), File.ReadAllText(f)))
            .ToArray();
    }

    private static string Relative(string path) => Path.GetRelativePath(TestEnvironment.RepoRoot, path).Replace('\\', '/');

    /// <summary>Every <c>"""…"""</c> literal: its contents (closing delimiter's indentation removed) and its extent.</summary>
    internal static IEnumerable<(string Body, int Start, int End)> RawStringLiterals(string text)
    {
        foreach (Match match in Regex.Matches(text, "\"\"\"[ \t]*\r?\n(?<body>.*?)\r?\n(?<indent>[ \t]*)\"\"\"", RegexOptions.Singleline))
        {
            var indent = match.Groups["indent"].Value;
            var lines = match.Groups["body"].Value.Split('\n')
                .Select(l => l.TrimEnd('\r'))
                .Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l.Substring(indent.Length) : l.TrimStart());
            yield return (string.Join("\n", lines) + "\n", match.Index, match.Index + match.Length);
        }
    }

    /// <summary>Removes the testing library's span markup: <c>{|#0:x|}</c>, <c>{|BND1001:x|}</c>, <c>[|x|]</c>, <c>$$</c>.</summary>
    internal static string WithoutMarkup(string text)
    {
        var result = Regex.Replace(text, @"\{\|[^:|{}]*:", "");
        result = result.Replace("|}", "", StringComparison.Ordinal).Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        return result;
    }
}
