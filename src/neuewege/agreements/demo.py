def generate_demo_agreements(scale, seed):
    return None
