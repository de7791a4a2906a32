namespace Bounded.Analyzers;

/// <summary>Every rule ID Bounded reports. IDs are fixed once shipped.</summary>
public static class RuleIds
{
    public const string UnboundedTaskSpawn = "BND1001";
    public const string DetachedTaskWithoutToken = "BND2001";
    public const string LoopIgnoresCancellation = "BND2002";
    public const string UndisposedTokenSource = "BND2003";
}
