# expect: safe
import torch

def load_checkpoint(path):
    return torch.load(path, weights_only=True)
