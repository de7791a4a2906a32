using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes;

/// <summary>
/// Picks identifiers for new locals: free at the insertion point, not declared anywhere in the enclosing member
/// (a later local would conflict, CS0136), and not already handed out to another fix of the same document. Also
/// hands out names that several fixes of the document share (one throttle field per type).
/// </summary>
internal sealed class NameAllocator
{
    private readonly SemanticModel _model;
    private readonly Dictionary<SyntaxNode, HashSet<string>> _taken = new();
    private readonly Dictionary<(SyntaxNode Scope, string Purpose), string> _shared = new();

    public NameAllocator(SemanticModel model) => _model = model;

    public string Allocate(SyntaxNode position, string baseName)
    {
        var member = EnclosingMember(position);
        if (!_taken.TryGetValue(member, out var taken))
        {
            taken = DeclaredNames(member);
            _taken.Add(member, taken);
        }

        for (var suffix = 1; ; suffix++)
        {
            var candidate = suffix == 1 ? baseName : baseName + suffix.ToString(CultureInfo.InvariantCulture);
            if (!taken.Contains(candidate) && _model.LookupSymbols(position.SpanStart, name: candidate).IsEmpty)
            {
                taken.Add(candidate);
                return candidate;
            }
        }
    }

    /// <summary>
    /// The name of the member that serves <paramref name="purpose"/> in <paramref name="scope"/> for every fix of the
    /// document. Returns true to the first fix that asks, which declares the member; later fixes only use the name.
    /// </summary>
    public bool ClaimShared(SyntaxNode scope, string purpose, System.Func<string> allocate, out string name)
    {
        if (_shared.TryGetValue((scope, purpose), out var existing))
        {
            name = existing;
            return false;
        }

        name = allocate();
        _shared.Add((scope, purpose), name);
        return true;
    }

    private static SyntaxNode EnclosingMember(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is MemberDeclarationSyntax or CompilationUnitSyntax)
            {
                return current;
            }
        }

        return node;
    }

    private static HashSet<string> DeclaredNames(SyntaxNode member)
    {
        var names = new HashSet<string>();
        foreach (var node in member.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax declarator:
                    names.Add(declarator.Identifier.ValueText);
                    break;
                case SingleVariableDesignationSyntax designation:
                    names.Add(designation.Identifier.ValueText);
                    break;
                case ParameterSyntax parameter:
                    names.Add(parameter.Identifier.ValueText);
                    break;
                case ForEachStatementSyntax forEach:
                    names.Add(forEach.Identifier.ValueText);
                    break;
                case LocalFunctionStatementSyntax localFunction:
                    names.Add(localFunction.Identifier.ValueText);
                    break;
                case CatchDeclarationSyntax catchDeclaration when catchDeclaration.Identifier.RawKind != 0:
                    names.Add(catchDeclaration.Identifier.ValueText);
                    break;
            }
        }

        return names;
    }
}
