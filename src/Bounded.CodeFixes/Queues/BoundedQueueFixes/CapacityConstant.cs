using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4001: the capacity as a named constant next to the queue, not a bare number in the creation, so the limit is
/// easy to find and tune.
/// </summary>
internal static class CapacityConstant
{
    /// <summary>
    /// <c>const int channelCapacity = N;</c> (named after the variable) before the statement that creates the queue, or a
    /// <c>private const int EventsCapacity</c>
    /// before the field or property it initializes.
    /// </summary>
    public static bool TryPlan(FixContext context, SyntaxNode creation, string storageName, int value, out string name, out System.Action<SyntaxEditor> insert)
    {
        var stem = Stem(storageName);
        var literal = LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(value));
        if (FixSyntax.StatementInBlock(creation) is { } statement)
        {
            var localName = context.Names.Allocate(statement, char.ToLowerInvariant(stem[0]) + stem.Substring(1) + "Capacity");
            name = localName;
            insert = editor => editor.InsertBefore(statement, LocalDeclarationStatement(
                    TokenList(Token(SyntaxKind.ConstKeyword)),
                    VariableDeclaration(
                        PredefinedType(Token(SyntaxKind.IntKeyword)),
                        SingletonSeparatedList(VariableDeclarator(localName).WithInitializer(EqualsValueClause(literal)))))
                .WithLeadingTrivia(FixSyntax.Indentation(statement))
                .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
                .WithAdditionalAnnotations(Formatter.Annotation));
            return true;
        }

        var member = creation.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (member is not (FieldDeclarationSyntax or PropertyDeclarationSyntax) || member.Parent is not TypeDeclarationSyntax type
            || context.Model.GetDeclaredSymbol(type, context.CancellationToken) is not { } typeSymbol)
        {
            name = "";
            insert = _ => { };
            return false;
        }

        var baseName = char.ToUpperInvariant(stem[0]) + stem.Substring(1) + "Capacity";
        var fieldName = context.Names.Allocate(type, baseName);
        while (!typeSymbol.GetMembers(fieldName).IsEmpty)
        {
            fieldName = context.Names.Allocate(type, baseName);
        }

        name = fieldName;
        insert = editor => editor.InsertBefore(member, FieldDeclaration(
                VariableDeclaration(
                    PredefinedType(Token(SyntaxKind.IntKeyword)),
                    SingletonSeparatedList(VariableDeclarator(fieldName).WithInitializer(EqualsValueClause(literal)))))
            .WithModifiers(TokenList(Token(SyntaxKind.PrivateKeyword), Token(SyntaxKind.ConstKeyword)))
            .WithLeadingTrivia(FixSyntax.Indentation(member))
            .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Formatter.Annotation));
        return true;
    }

    /// <summary>The variable's name without field prefixes: <c>_events</c> → <c>events</c>; <c>queue</c> when nothing is left.</summary>
    private static string Stem(string name)
    {
        var start = name.StartsWith("m_", System.StringComparison.Ordinal) || name.StartsWith("s_", System.StringComparison.Ordinal) ? 2 : 0;
        while (start < name.Length && name[start] == '_')
        {
            start++;
        }

        return start < name.Length ? name.Substring(start) : "queue";
    }
}
