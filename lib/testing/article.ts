/**
 * The reference article's final `kubectl psp-util tree` (step 5), with `system:masters` spelled as
 * the real group is. Tests on every tier must end in exactly this text after its procedure.
 */
export const ARTICLE_FINAL_TREE = `📙 PSP eks.privileged
└── 📕 ClusterRole eks:podsecuritypolicy:privileged
└── 📕 ClusterRole psp-util.eks.privileged
    └── 📘 ClusterRoleBinding psp-util.eks.privileged
        └── 📗 Subject{Kind: Group, Name: eks, Namespace: }
        └── 📗 Subject{Kind: Group, Name: system:masters, Namespace: }
        └── 📗 Subject{Kind: ServiceAccount, Name: aws-node, Namespace: kube-system}
        └── 📗 Subject{Kind: ServiceAccount, Name: kube-proxy, Namespace: kube-system}
        └── 📗 Subject{Kind: ServiceAccount, Name: alb-ingress-controller, Namespace: kube-system}
        └── 📗 Subject{Kind: ServiceAccount, Name: coredns, Namespace: kube-system}

📙 PSP restricted
└── 📕 ClusterRole psp-util.restricted
    └── 📘 ClusterRoleBinding psp-util.restricted
        └── 📗 Subject{Kind: Group, Name: system:authenticated, Namespace: }
        └── 📗 Subject{Kind: Group, Name: system:unauthenticated, Namespace: }
`;
