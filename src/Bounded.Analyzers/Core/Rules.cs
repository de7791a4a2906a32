using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Bounded.Analyzers;

/// <summary>Builds descriptors so every rule gets the same help link and tags.</summary>
public static class Rules
{
    /// <summary>
    /// Where this version's rule pages live (the repository's docs at this version's tag, set once in
    /// Directory.Build.props as BoundedDocsRoot); each rule's page is <c>{HelpRoot}{ID}.md</c>.
    /// </summary>
    public static readonly string HelpRoot = DocsRootOfThisBuild();

    public static string HelpLink(string id) => HelpRoot + id + ".md";

    private static string DocsRootOfThisBuild()
    {
        foreach (var attribute in typeof(Rules).Assembly.GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false))
        {
            if (attribute is AssemblyMetadataAttribute { Key: "BoundedDocsRoot", Value: { } root })
            {
                return root;
            }
        }

        return "";
    }

    public static DiagnosticDescriptor Create(
        string id,
        string title,
        string message,
        string category,
        DiagnosticSeverity severity,
        string description,
        bool enabledByDefault = true,
        params string[] customTags) =>
        new(
            id,
            title,
            message,
            category,
            severity,
            enabledByDefault,
            description,
            HelpLink(id),
            customTags);
}
