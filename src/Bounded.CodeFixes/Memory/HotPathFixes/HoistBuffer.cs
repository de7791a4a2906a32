using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Memory;

/// <summary>
/// BND3001, allocation in a loop: declare the buffer once before the loop. The cheapest fix, since the buffer stays an
/// array and no use changes; where the loop relied on fresh zeroed memory, <c>Array.Clear</c> keeps that.
/// </summary>
internal static class HoistBuffer
{
    /// <summary>Whether the size is the same on every iteration: constants, and locals, parameters or readonly fields not written in the loop.</summary>
    public static bool IsLoopInvariant(IOperation size, ILoopOperation loop)
    {
        switch (size)
        {
            case { ConstantValue.HasValue: true }:
                return true;
            case IConversionOperation conversion:
                return IsLoopInvariant(conversion.Operand, loop);
            case IParenthesizedOperation parenthesized:
                return IsLoopInvariant(parenthesized.Operand, loop);
            case IBinaryOperation binary:
                return IsLoopInvariant(binary.LeftOperand, loop) && IsLoopInvariant(binary.RightOperand, loop);
            case ILocalReferenceOperation reference:
                return !loop.Syntax.Span.Contains(reference.Local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? loop.Syntax.Span)
                    && !IsWrittenIn(reference.Local, loop);
            case IParameterReferenceOperation parameter:
                return !IsWrittenIn(parameter.Parameter, loop);
            case IFieldReferenceOperation field:
                return (field.Field.IsReadOnly || field.Field.IsConst)
                    && (field.Instance is null or IInstanceReferenceOperation);
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } instance }
                when instance.Type is IArrayTypeSymbol || instance.Type?.SpecialType == SpecialType.System_String:
                return IsLoopInvariant(instance, loop);
            default:
                return false;
        }
    }

    public static void Apply(SyntaxEditor editor, FixContext context, BufferDeclaration declaration, ILocalSymbol local, StatementSyntax loopStatement, bool needsClear)
    {
        var name = local.Name;
        var scope = (BlockSyntax)loopStatement.Parent!;
        if (BufferSite.DeclaresElsewhere(scope, name, declaration.Declarator))
        {
            name = context.Names.Allocate(loopStatement, local.Name);
            foreach (var identifier in loopStatement.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (identifier.Identifier.ValueText == local.Name
                    && SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(identifier, context.CancellationToken).Symbol, local))
                {
                    var renamed = name;
                    editor.ReplaceNode(identifier, (current, _) => ((IdentifierNameSyntax)current).WithIdentifier(Identifier(renamed).WithTriviaFrom(((IdentifierNameSyntax)current).Identifier)));
                }
            }
        }

        var hoisted = declaration.Statement
            .ReplaceToken(declaration.Declarator.Identifier, Identifier(name))
            .WithoutTrivia()
            .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
            .Formatted();
        BufferSite.InsertBeforeLoop(editor, loopStatement, hoisted);
        if (needsClear)
        {
            editor.ReplaceNode(declaration.Statement, ClearArray(name, context.Targets).WithTriviaFrom(declaration.Statement));
        }
        else
        {
            editor.RemoveNode(declaration.Statement, SyntaxRemoveOptions.KeepUnbalancedDirectives);
        }
    }

    /// <summary>
    /// <c>Array.Clear(buffer);</c> where the one-argument overload exists (.NET 6+), else
    /// <c>Array.Clear(buffer, 0, buffer.Length);</c>.
    /// </summary>
    private static StatementSyntax ClearArray(string name, FixTargets targets)
    {
        var arguments = new List<ArgumentSyntax> { Argument(IdentifierName(name)) };
        if (!targets.Everywhere(HasSingleArgumentClear))
        {
            arguments.Add(Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0))));
            arguments.Add(Argument(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(name), IdentifierName("Length"))));
        }

        return ExpressionStatement(
                InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, FixSyntax.QualifiedName("System.Array"), IdentifierName("Clear")),
                    ArgumentList(SeparatedList(arguments))))
            .Formatted();
    }

    private static bool HasSingleArgumentClear(Compilation compilation)
    {
        var array = compilation.GetSpecialType(SpecialType.System_Array);
        foreach (var member in array.GetMembers("Clear"))
        {
            if (member is IMethodSymbol { IsStatic: true, Parameters.Length: 1 })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWrittenIn(ISymbol symbol, ILoopOperation loop)
    {
        foreach (var operation in loop.Descendants())
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            var written = target switch
            {
                ILocalReferenceOperation l => (ISymbol)l.Local,
                IParameterReferenceOperation p => p.Parameter,
                _ => null,
            };
            if (written is not null && SymbolEqualityComparer.Default.Equals(written, symbol))
            {
                return true;
            }
        }

        return false;
    }
}
