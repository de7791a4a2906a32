using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using Bounded.Analyzers;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.CodeFixes.Memory;

/// <summary>BND3002: use the requested length instead of the rented array's Length; slice whole-array uses.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RentedLengthCodeFixProvider)), Shared]
public sealed class RentedLengthCodeFixProvider : BoundedCodeFixProvider
{
    public const string RequestedLengthKey = "Bounded." + RuleIds.RentedLengthAsDataLength;

    private const string IntroducedKind = "Bounded.RequestedLength";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.RentedLengthAsDataLength);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        if (diagnostic.AdditionalLocations.Count != 1
            || !diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var kind)
            || context.Root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } rent
            || FixSyntax.StatementInBlock(rent) is not { Parent: BlockSyntax rentBlock } rentStatement)
        {
            return;
        }

        var site = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (!rentBlock.Span.Contains(site.Span) || site.SpanStart < rentStatement.Span.End)
        {
            return; // the requested length would not be in scope at the use
        }

        var requested = rent.ArgumentList.Arguments[0].Expression;
        if (!RequestedLength(context, requested, rent, out var lengthText, out var introduce))
        {
            return;
        }

        var replacement = kind == RentedLengthUses.LengthKind
            ? LengthReplacement(site, lengthText)
            : WholeArrayReplacement(context, site, requested.WithoutTrivia().ToString(), lengthText);
        if (replacement.Node is null)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Use the requested length",
            RequestedLengthKey,
            editor =>
            {
                editor.ReplaceNode(replacement.Node, (current, _) => replacement.Build(current).WithTriviaFrom(current));
                if (introduce)
                {
                    IntroduceLocal(editor, rentBlock, rentStatement, lengthText);
                }
            }));
    }

    private readonly struct Replacement
    {
        public Replacement(SyntaxNode node, System.Func<SyntaxNode, SyntaxNode> build)
        {
            Node = node;
            Build = build;
        }

        public SyntaxNode? Node { get; }
        public System.Func<SyntaxNode, SyntaxNode> Build { get; }
    }

    private static Replacement LengthReplacement(SyntaxNode site, string lengthText) =>
        site is MemberAccessExpressionSyntax access
            ? new Replacement(access, _ => SyntaxFactory.ParseExpression(lengthText))
            : default;

    /// <summary>The whole array becomes a slice, when the call has an overload that takes one.</summary>
    private static Replacement WholeArrayReplacement(FixContext context, SyntaxNode site, string requestedText, string lengthText)
    {
        if (site is not IdentifierNameSyntax identifier)
        {
            return default;
        }

        // buffer.AsSpan() / buffer.AsMemory() over the whole array: give the view the requested length.
        if (identifier.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsSpan" or "AsMemory" } view
            && view.Expression == identifier
            && view.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } wholeView)
        {
            var viewMethod = view.Name.Identifier.ValueText;
            return new Replacement(wholeView, _ => SyntaxFactory.ParseExpression(identifier.Identifier.ValueText + "." + viewMethod + "(0, " + lengthText + ")"));
        }

        var useMemory = context.Model.GetOperation(identifier, context.CancellationToken)?.Parent is IConversionOperation { Type: INamedTypeSymbol { Name: "ReadOnlyMemory" or "Memory" } }
            || (identifier.Parent is ArgumentSyntax argument
                && context.Model.GetOperation(argument, context.CancellationToken) is IArgumentOperation { Parameter.Type: INamedTypeSymbol { Name: "ReadOnlyMemory" or "Memory" } });
        var method = useMemory ? "AsMemory" : "AsSpan";
        var call = identifier.Parent is ArgumentSyntax { Parent.Parent: ExpressionSyntax owner } ? owner
            : identifier.Parent is MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invoked } ? invoked
            : null;
        if (call is null)
        {
            return default;
        }

        // Bind the rewritten call in place: only offer the fix when it still resolves to a method.
        var probe = SyntaxFactory.ParseExpression(identifier.Identifier.ValueText + "." + method + "(0, " + requestedText + ")");
        var speculative = call.ReplaceNode(identifier, probe);
        var info = context.Model.GetSpeculativeSymbolInfo(call.SpanStart, speculative, SpeculativeBindingOption.BindAsExpression);
        if (info.Symbol is IMethodSymbol)
        {
            return new Replacement(identifier, current => SyntaxFactory.ParseExpression(((IdentifierNameSyntax)current).Identifier.ValueText + "." + method + "(0, " + lengthText + ")"));
        }

        // No span or memory overload (netstandard2.0's Stream.Write, HashAlgorithm.ComputeHash): the overload that takes
        // (array, offset, count) after the array, positionally.
        if (identifier.Parent is ArgumentSyntax { NameColon: null } wholeArgument
            && wholeArgument.Parent is ArgumentListSyntax arguments
            && context.Model.GetOperation(wholeArgument, context.CancellationToken) is IArgumentOperation { Parameter: { } parameter, Parent: { } callOperation }
            && TargetOf(callOperation) is { } target
            && NoNamedArguments(arguments)
            && BufferUses.HasRangeOverload(target, parameter.Ordinal, callOperation))
        {
            var index = arguments.Arguments.IndexOf(wholeArgument);
            return new Replacement(arguments, current =>
            {
                var list = (ArgumentListSyntax)current;
                return list.WithArguments(list.Arguments.InsertRange(index + 1, new[]
                {
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0))),
                    SyntaxFactory.Argument(SyntaxFactory.ParseExpression(lengthText)),
                }));
            });
        }

        return default;
    }

    private static IMethodSymbol? TargetOf(IOperation call) => call switch
    {
        IInvocationOperation invocation => invocation.TargetMethod,
        IObjectCreationOperation creation => creation.Constructor,
        _ => null,
    };

    private static bool NoNamedArguments(ArgumentListSyntax arguments)
    {
        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameColon is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A literal, or a local or parameter never written in the member, is used as it is; anything else gets a
    /// <c>{array}Length</c> local declared before the Rent.
    /// </summary>
    private static bool RequestedLength(FixContext context, ExpressionSyntax requested, InvocationExpressionSyntax rent, out string text, out bool introduce)
    {
        introduce = false;
        text = requested.WithoutTrivia().ToString();
        if (requested is LiteralExpressionSyntax)
        {
            return true;
        }

        var member = rent.FirstAncestorOrSelf<MemberDeclarationSyntax>();
        if (requested is IdentifierNameSyntax name
            && context.Model.GetSymbolInfo(name, context.CancellationToken).Symbol is ILocalSymbol or IParameterSymbol
            && member is not null
            && !IsWritten(context.Model, member, name, context.CancellationToken))
        {
            return true;
        }

        if (rent.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } || member is null)
        {
            return false;
        }

        text = declarator.Identifier.ValueText + "Length";
        if (!context.Model.LookupSymbols(rent.SpanStart, name: text).IsEmpty || Declares(member, text))
        {
            return false;
        }

        introduce = true;
        return true;
    }

    private static bool IsWritten(SemanticModel model, SyntaxNode member, IdentifierNameSyntax name, CancellationToken cancellationToken)
    {
        var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
        foreach (var node in member.DescendantNodes())
        {
            ExpressionSyntax? target = node switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left,
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } prefix => prefix.Operand,
                PostfixUnaryExpressionSyntax postfix => postfix.Operand,
                ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => argument.Expression,
                _ => null,
            };
            if (target is IdentifierNameSyntax written && written.Identifier.ValueText == name.Identifier.ValueText
                && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(written, cancellationToken).Symbol, symbol))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Declares(SyntaxNode member, string name)
    {
        foreach (var node in member.DescendantNodes())
        {
            if ((node is VariableDeclaratorSyntax declarator && declarator.Identifier.ValueText == name)
                || (node is SingleVariableDesignationSyntax designation && designation.Identifier.ValueText == name)
                || (node is ParameterSyntax parameter && parameter.Identifier.ValueText == name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Declares <c>var {name} = {requested};</c> before the Rent and passes it to Rent, once however many sites are fixed.</summary>
    private static void IntroduceLocal(Microsoft.CodeAnalysis.Editing.SyntaxEditor editor, BlockSyntax block, StatementSyntax rentStatement, string name)
    {
        var statementMark = new SyntaxAnnotation();
        editor.ReplaceNode(rentStatement, (current, _) => current.WithAdditionalAnnotations(statementMark));
        editor.ReplaceNode(block, (current, _) =>
        {
            var currentBlock = (BlockSyntax)current;
            var statements = currentBlock.Statements;
            for (var i = 0; i < statements.Count; i++)
            {
                if (!statements[i].HasAnnotation(statementMark))
                {
                    continue;
                }

                if (i > 0 && statements[i - 1].GetAnnotations(IntroducedKind) is var marks && System.Linq.Enumerable.Any(marks, m => m.Data == name))
                {
                    return currentBlock; // another site of the same Rent introduced it already
                }

                var statement = statements[i];
                if (statement is not LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables }
                    || variables[0].Initializer?.Value is not InvocationExpressionSyntax { ArgumentList.Arguments: { Count: 1 } arguments })
                {
                    return currentBlock;
                }

                var argument = arguments[0].Expression;

                var declaration = FixSyntax.Statement("var " + name + " = " + argument.WithoutTrivia() + ";")
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithAdditionalAnnotations(new SyntaxAnnotation(IntroducedKind, name));
                var updated = statement.ReplaceNode(argument, SyntaxFactory.IdentifierName(name).WithTriviaFrom(argument));
                return currentBlock.WithStatements(statements.Replace(statement, updated).Insert(i, declaration));
            }

            return currentBlock;
        });
    }
}
