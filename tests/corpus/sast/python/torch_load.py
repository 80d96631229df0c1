# expect: CWE-502
import torch

def load_checkpoint(path):
    return torch.load(path)
